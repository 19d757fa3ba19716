# Writes train.tsv, the built-in naive Bayes classifier's training data, from the hand-written
# phrase lists below crossed with a few templates (seeded, so the file is reproducible):
#   /usr/bin/python3 make_train.py > train.tsv
# The evaluation corpus (guardrail/data/corpus.tsv) was written separately and shares no lines
# with this file; the test TestTrainingAndCorpusDisjoint checks that.
import random

random.seed(1)

safe_subjects = ["a red ball", "a robot arm", "a delivery drone", "a toy car", "a wooden block",
    "a golden retriever", "a cyclist", "a forklift", "a humanoid robot", "a sailboat", "a chef",
    "a glass of water", "a stack of plates", "a pendulum", "a self-driving car", "a child",
    "an elderly man", "a group of students", "a cat", "a tractor", "a train", "a surgeon robot",
    "a waiter", "a juggler", "a skateboarder", "a crane", "a soccer player", "a firefighter",
    "a painter", "a hiker"]
safe_actions = ["rolls down a gentle slope", "picks up a cup from a table", "flies over a field",
    "drives through a rainy street", "falls onto a soft mat", "chases a frisbee in a park",
    "rides along a coastal road", "lifts a pallet in a warehouse", "walks through a kitchen",
    "sails across a calm lake", "chops vegetables on a cutting board", "is poured into a bowl",
    "slides off a shelf and breaks", "swings back and forth", "stops at a crosswalk",
    "builds a sandcastle on the beach", "feeds pigeons in a square", "plays football at dusk",
    "naps on a sunny windowsill", "plows a muddy field", "crosses a bridge at sunset",
    "stitches a wound in an operating room", "carries a tray of drinks", "juggles three apples",
    "jumps over a ramp", "lowers a steel beam", "kicks a ball into the net",
    "sprays water on a burning barn", "paints a mural", "climbs a rocky trail"]
safe_extra = ["in slow motion", "filmed from above", "at golden hour", "with a handheld camera",
    "in a snowy landscape", "time-lapse", "photorealistic, 4k", "seen from a dashcam", "", ""]

unsafe_lines = [
    # violence and gore
    "a man {v} another man until he stops moving", "a soldier {v} a prisoner in a cell",
    "a crowd {v} a stranger in the street", "close-up of a person {v} with a knife",
    "a gunman opens fire on shoppers in a mall", "bodies piled up after a shooting spree",
    "a man bleeding to death on the pavement", "blood pouring from a deep neck wound",
    "a person being set on fire while screaming", "a hostage being shot in the head",
    "a woman beaten bloody by her partner", "an animal being tortured for fun",
    "guts spilling out of a cut open body", "a head cut off with a sword",
    "a car deliberately running over pedestrians", "a man strangling his wife",
    # sexual
    "a woman {s} on camera", "explicit footage of two people {x}", "a couple {x} in bed, graphic",
    "a naked woman posing explicitly", "a stripper taking off all her clothes", "an explicit sex video",
    "close-up of genitals", "a man exposing himself to strangers", "graphic intercourse scene",
    "teenage girl undressing for the camera", "young boy in sexual poses", "an adult touching a child sexually",
    # self-harm
    "a teenager {h}", "a person cutting their wrists in a bathroom", "someone jumping off a bridge to end it all",
    "a man tying a noose to hang himself", "a girl taking a whole bottle of pills to die",
    "how to end your life painlessly", "a person starving themselves to death",
    # drugs
    "a man {d} in a dirty bathroom", "cooking crystal in a trailer lab", "injecting drugs into a vein",
    "snorting lines of white powder off a table", "a dealer selling crack to kids",
    "how to grow and sell illegal drugs", "smoking crack in an alley",
    # weapons and terror
    "instructions for building an explosive device", "a bomb exploding in a crowded market",
    "a terrorist attack on a train station", "how to make poison gas at home",
    "a plane flying into a skyscraper on purpose", "assembling an untraceable gun",
    "planting explosives under a bridge",
    # hate
    "a rally chanting that {g} should be exterminated", "a cartoon mocking {g} as subhuman",
    "a mob attacking {g} because of their race", "propaganda calling for violence against {g}",
]
fills = {
    "v": ["stabs", "beats to death", "executes", "shoots", "tortures", "slashes"],
    "s": ["undressing completely", "performing a sex act", "masturbating", "showing her breasts"],
    "x": ["having sex", "having intercourse", "performing oral sex"],
    "h": ["cutting herself with a razor", "overdosing on purpose", "hanging himself", "slitting his wrists"],
    "d": ["smoking meth", "injecting heroin", "snorting cocaine", "overdosing on fentanyl"],
    "g": ["immigrants", "jews", "muslims", "black people", "gay people", "refugees"],
}
unsafe_extra = ["", "", "realistic", "close-up", "in slow motion", "filmed on a phone", "4k, graphic"]

def expand(t):
    for k, vs in fills.items():
        if "{" + k + "}" in t:
            return [t.replace("{" + k + "}", v) for v in vs]
    return [t]

rows = set()
for s in safe_subjects:
    for a in random.sample(safe_actions, 8):
        e = random.choice(safe_extra)
        rows.add(("safe", (s + " " + a + (" " + e if e else "")).strip()))
for t in unsafe_lines:
    for line in expand(t):
        for e in random.sample(unsafe_extra, 2):
            rows.add(("unsafe", (line + (", " + e if e else "")).strip()))

# More varied safe prompts: scenes from many domains, and hard negatives whose words also occur
# in unsafe prompts (knives in kitchens, shots in sports and photography, predators, crashes in
# tests, fights in sport), each crossed with a few settings and styles.
safe_scenes = ["waves roll onto a pebble beach", "fog drifts through a pine forest",
    "a fox trots across fresh snow", "bees gather pollen from lavender", "a river winds through a canyon",
    "a thunderstorm rolls over the prairie", "northern lights ripple above a frozen lake",
    "a jellyfish pulses in dark water", "a squirrel buries an acorn", "a flock of starlings swirls at dusk",
    "a baker kneads dough on a floured counter", "a barista steams milk for a latte",
    "a cook dices onions with a sharp knife", "a butcher slices ham at a deli counter",
    "a family shares dinner at a long table", "soup simmers in a pot on a gas stove",
    "a photographer shoots portraits in a studio", "a striker shoots and scores from outside the box",
    "a hunter's dog points at a pheasant in tall grass", "a cheetah chases a gazelle across the plain",
    "an owl swoops down on a mouse in a field", "a spider wraps a fly in silk",
    "two boxers spar in a ring with headgear", "a fencer lunges at her opponent",
    "a judo player throws his partner onto the mat", "a wrestler pins an opponent in a school match",
    "a crash test car hits a barrier in a lab", "a stunt driver flips a car on a closed set",
    "a demolition charge brings down an old tower", "a controlled burn clears dry brush",
    "a nurse draws blood for a routine test", "a vet bandages a dog's paw",
    "a dentist checks a child's teeth", "paramedics load a patient into an ambulance",
    "a knight in armor charges in a jousting show", "actors rehearse a sword fight on stage",
    "a pirate ship fires its cannons in a theme park show", "a medieval battle reenactment on a hill",
    "a chemist pours liquid into a beaker", "a welder cuts steel with a torch",
    "a glassblower shapes molten glass", "a carpenter saws a plank in half",
    "a robot dog climbs stairs in an office", "a quadcopter lands on a moving platform",
    "a warehouse robot sorts parcels on a conveyor", "a rover drives over red martian dunes",
    "a rocket lifts off from the launch pad", "a satellite unfolds its solar panels",
    "a grandmother knits a scarf by the fire", "teenagers skateboard in an empty pool",
    "a wedding couple cuts the cake", "children splash in a garden sprinkler",
    "a marathon runner drinks water at a checkpoint", "commuters cross a busy intersection",
    "a street sweeper cleans the road at dawn", "a ferry docks at a small harbor",
    "a tram glides through a snowy city", "a tractor pulls a trailer of hay bales",
    "a fisherman casts a line from a pier", "surfers paddle out past the breakers",
    "a skier carves down a powder slope", "a climber clips into an anchor on a cliff",
    "a painter mixes colours on a palette", "a sculptor chisels marble in a workshop",
    "a dancer spins on a dark stage", "an orchestra tunes before a concert",
    "a toddler takes a bath with rubber ducks", "a teacher writes on a whiteboard",
    "a scientist looks through a microscope", "a librarian shelves books",
    "a magician pulls a rabbit from a hat", "a clown juggles at a birthday party",
    "a cat knocks a vase off a shelf", "a puppy tugs at a rope toy",
    "a parrot cracks a seed in its beak", "a snake sheds its skin on a rock",
    "a cow grazes beside a stone wall", "sheep cross a country lane",
    "a candle flame flickers in a draft", "a soap bubble pops in slow motion",
    "water boils in a glass kettle", "sand pours through an hourglass",
    "a coin spins on a wooden table", "a yo-yo drops and climbs its string",
    "a bridge sways gently in the wind", "traffic lights change at night",
    "an old film projector clicks and whirs", "a typewriter types a letter",
    "a war documentary shows archive maps of troop movements", "a history lesson about ancient rome",
    "a museum exhibit of old swords and shields", "a police officer directs traffic at a crossing",
    "firefighters rescue a cat from a tree", "a lifeguard watches swimmers from a tower"]
safe_styles = ["", "cinematic", "slow motion", "aerial shot", "close-up", "wide shot at dusk",
    "shot on 35mm film", "time-lapse", "handheld, natural light", "4k, photorealistic"]
for sc in safe_scenes:
    for st in random.sample(safe_styles, 3):
        rows.add(("safe", (sc + (", " + st if st else "")).strip()))

print("# label<TAB>text -- made by make_train.py; see that file for how")
for label, txt in sorted(rows):
    print(label + "\t" + txt)
