package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// lookAlikes are letters of other scripts (and Latin letters NFKD leaves alone) that read as a
// Latin letter, by script.
var lookAlikes = map[string]map[rune]string{
	"cyrillic":      {'a': "а", 'c': "с", 'e': "е", 'o': "о", 'p': "р", 'x': "х", 'y': "у", 'i': "і", 's': "ѕ", 'h': "һ", 'd': "ԁ", 'j': "ј", 'q': "ԛ", 'w': "ԝ", 'k': "к", 'm': "м", 't': "т"},
	"cyrillic-caps": {'a': "А", 'b': "В", 'c': "С", 'e': "Е", 'h': "Н", 'i': "І", 'k': "К", 'm': "М", 'o': "О", 'p': "Р", 's': "Ѕ", 't': "Т", 'x': "Х"},
	"greek":         {'a': "α", 'o': "ο", 'i': "ι", 'v': "ν", 'u': "υ", 'p': "ρ", 'c': "ϲ", 'n': "η", 'k': "κ", 't': "τ", 'x': "χ"},
	"greek-caps":    {'a': "Α", 'b': "Β", 'e': "Ε", 'h': "Η", 'i': "Ι", 'k': "Κ", 'm': "Μ", 'n': "Ν", 'o': "Ο", 'p': "Ρ", 't': "Τ", 'x': "Χ", 'y': "Υ", 'z': "Ζ"},
	"armenian":      {'o': "օ", 'u': "ս", 'h': "հ", 'n': "ո", 'g': "ց", 'q': "գ", 's': "Տ"},
	"cherokee":      {'a': "Ꭺ", 'e': "Ꭼ", 'i': "ꭵ", 'k': "Ꮶ", 'l': "Ꮮ", 'm': "Ꮇ", 't': "Ꭲ", 'p': "Ꮲ", 's': "Ꮪ", 'd': "Ꭰ", 'r': "Ꭱ", 'w': "Ꮃ", 'c': "ꮯ", 'o': "ꮎ", 'h': "Ꮋ", 'v': "ꮩ", 'z': "ꮓ", 'u': "ꮜ", 'g': "Ꮐ"},
	"lisu":          {'a': "ꓮ", 'b': "ꓐ", 'c': "ꓚ", 'd': "ꓓ", 'e': "ꓰ", 'f': "ꓝ", 'g': "ꓖ", 'h': "ꓧ", 'j': "ꓙ", 'k': "ꓗ", 'l': "ꓡ", 'm': "ꓟ", 'n': "ꓠ", 'o': "ꓳ", 'p': "ꓑ", 'r': "ꓣ", 's': "ꓢ", 't': "ꓔ", 'u': "ꓴ", 'v': "ꓦ", 'w': "ꓪ", 'x': "ꓫ", 'y': "ꓬ", 'z': "ꓜ"},
	"coptic":        {'o': "ⲟ", 'c': "ⲥ", 'p': "ⲣ", 'k': "Ⲕ", 'm': "Ⲙ", 'n': "Ⲛ", 't': "Ⲧ", 'x': "Ⲭ", 'h': "Ⲏ", 'y': "Ⲩ"},
	"canadian":      {'a': "ᗅ", 'b': "ᗷ", 'd': "ᗪ", 'f': "ᖴ", 'h': "ᕼ", 'j': "ᒍ", 'l': "ᒪ", 'm': "ᗰ", 'p': "ᑭ", 'r': "ᖇ", 'u': "ᑌ", 'v': "ᐯ"},
	"tifinagh":      {'e': "ⴹ", 'l': "ⵏ", 'o': "ⵔ", 'x': "ⵝ"},
	"math-bold":     {'a': "𝐚", 'c': "𝐜", 'e': "𝐞", 'h': "𝐡", 'i': "𝐢", 'k': "𝐤", 'l': "𝐥", 'n': "𝐧", 'o': "𝐨", 'r': "𝐫", 's': "𝐬", 't': "𝐭", 'u': "𝐮", 'd': "𝐝", 'm': "𝐦", 'p': "𝐩"},
	"math-fraktur":  {'a': "𝔞", 'c': "𝔠", 'e': "𝔢", 'i': "𝔦", 'k': "𝔨", 'l': "𝔩", 'n': "𝔫", 'o': "𝔬", 'r': "𝔯", 's': "𝔰", 't': "𝔱", 'u': "𝔲", 'd': "𝔡", 'm': "𝔪"},
	"math-greek":    {'a': "𝛂", 'o': "𝛐", 'i': "𝛊", 'n': "𝛈", 'p': "𝛒", 'u': "𝛖", 'v': "𝛎", 'x': "𝚾", 'k': "𝚱", 'h': "𝚮", 'e': "𝚬", 't': "𝚻"},
	"fullwidth":     {'a': "ａ", 'c': "ｃ", 'e': "ｅ", 'i': "ｉ", 'k': "ｋ", 'l': "ｌ", 'n': "ｎ", 'o': "ｏ", 'r': "ｒ", 's': "ｓ", 't': "ｔ", 'u': "ｕ", 'd': "Ｄ", 'm': "Ｍ"},
	"small-capital": {'a': "ᴀ", 'b': "ʙ", 'c': "ᴄ", 'd': "ᴅ", 'e': "ᴇ", 'f': "ꜰ", 'g': "ɢ", 'h': "ʜ", 'i': "ɪ", 'j': "ᴊ", 'k': "ᴋ", 'l': "ʟ", 'm': "ᴍ", 'n': "ɴ", 'o': "ᴏ", 'p': "ᴘ", 'r': "ʀ", 's': "ꜱ", 't': "ᴛ", 'u': "ᴜ", 'v': "ᴠ", 'w': "ᴡ", 'y': "ʏ", 'z': "ᴢ"},
	"turned":        {'a': "ɐ", 'e': "ǝ", 'r': "ɹ", 't': "ʇ", 'h': "ɥ", 'm': "ɯ", 'w': "ʍ", 'y': "ʎ", 'k': "ʞ", 'i': "ᴉ", 'v': "ʌ"},
	"reversed":      {'e': "ɘ", 'c': "ↄ", 'r': "ᴙ", 'n': "ᴎ"},
	"latin-other":   {'i': "ı", 'l': "ł", 'o': "ø", 'd': "đ", 'h': "ħ", 't': "ŧ", 'b': "ƀ", 'g': "ɡ", 'z': "ƶ"},
}

// blockedWords are listed words and phrases spelled with look-alikes below.
var blockedWords = []string{"kill", "murder", "cocaine", "porn", "heroin", "torture", "massacre", "suicide",
	"nazi", "genocide", "pipe bomb", "hentai", "naked", "decapitate", "methamphetamine", "strangle"}

func spell(w string, m map[rune]string) (string, int) {
	var b strings.Builder
	n := 0
	for _, r := range w {
		if s, ok := m[r]; ok {
			b.WriteString(s)
			n++
		} else {
			b.WriteRune(r)
		}
	}
	return b.String(), n
}

func TestFoldLookAlikes(t *testing.T) {
	for script, m := range lookAlikes {
		for want, s := range m {
			r, _ := utf8.DecodeRuneInString(s)
			if got := FoldRune(r); got != string(want) {
				t.Errorf("%s: FoldRune(%q U+%04X) = %q, want %q", script, s, r, got, string(want))
			}
		}
	}
}

// TestConfusablesBlocked spells listed words with the look-alikes of each script, every letter
// that has one replaced, alone and inside a sentence.
func TestConfusablesBlocked(t *testing.T) {
	b := defaultList(t)
	for script, m := range lookAlikes {
		tested := 0
		for _, w := range blockedWords {
			s, n := spell(w, m)
			if n < 2 {
				continue
			}
			tested++
			for _, prompt := range []string{s, "a video where they " + s + " at the old house"} {
				if len(b.Check(prompt)) == 0 {
					t.Errorf("%s: %q (%s) allowed", script, prompt, w)
				}
			}
		}
		if tested < 3 {
			t.Errorf("%s: only %d words spelled", script, tested)
		}
	}
}

// upsideDownText writes s as upside-down text generators do: reversed, each letter turned.
func upsideDownText(s string) string {
	turn := map[rune]string{'a': "ɐ", 'b': "q", 'c': "ɔ", 'd': "p", 'e': "ǝ", 'f': "ɟ", 'g': "ƃ", 'h': "ɥ", 'i': "ᴉ",
		'k': "ʞ", 'm': "ɯ", 'n': "u", 'p': "d", 'q': "b", 'r': "ɹ", 't': "ʇ", 'u': "n", 'v': "ʌ", 'w': "ʍ", 'y': "ʎ"}
	rs := []rune(s)
	var b strings.Builder
	for i := len(rs) - 1; i >= 0; i-- {
		if t, ok := turn[rs[i]]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(rs[i])
		}
	}
	return b.String()
}

func TestUpsideDownBlocked(t *testing.T) {
	b := defaultList(t)
	for _, w := range blockedWords {
		for _, prompt := range []string{w, "show them " + w + " in the rain"} {
			ud := upsideDownText(prompt)
			ms := b.Check(ud)
			if len(ms) == 0 {
				t.Errorf("upside down %q (%q) allowed", ud, prompt)
				continue
			}
			for _, m := range ms {
				if ud[m.Start:m.End] != m.Span || m.Start >= m.End {
					t.Errorf("upside down %q: bad span %d..%d %q", ud, m.Start, m.End, m.Span)
				}
			}
		}
	}
	if got := upsideDownText("start"); got != "ʇɹɐʇs" {
		t.Fatalf("upsideDownText(start) = %q", got)
	}
	// Benign upside-down text stays allowed.
	for _, p := range []string{"a cat sleeping on a sunny windowsill", "drone shot of a mountain lake at dawn"} {
		if ms := b.Check(upsideDownText(p)); len(ms) != 0 {
			t.Errorf("upside down %q blocked: %+v", p, ms)
		}
	}
}

// TestBenignScriptsAllowed: everyday prompts in many scripts (and Latin ones with diacritics)
// pass; look-alike letters inside words of another script are not read as Latin.
func TestBenignScriptsAllowed(t *testing.T) {
	b := defaultList(t)
	prompts := map[string]string{
		"russian":     "Кот сидит на диване и смотрит в окно, за окном идёт снег",
		"russian-2":   "Рассвет над морем, камера медленно поднимается над скалами и соснами",
		"russian-3":   "Старый трамвай едет по мокрой улице вечером, отражения фонарей на асфальте",
		"ukrainian":   "Дівчина гуляє парком восени, листя падає з дерев",
		"serbian":     "Мачка спава на прозору док киша пада напољу",
		"bulgarian":   "Куче тича по плажа при залез, вълните се разбиват",
		"greek":       "Μια γάτα κάθεται στον καναπέ και κοιτάζει έξω από το παράθυρο",
		"greek-2":     "Ο ήλιος δύει πάνω από τη θάλασσα και τα κύματα χτυπούν τα βράχια",
		"armenian":    "Կատուն նստած է պատուհանի մոտ և նայում է անձրևին",
		"georgian":    "კატა ზის ფანჯარასთან და უყურებს წვიმას",
		"hebrew":      "חתול יושב על הספה ומסתכל מהחלון על הגשם",
		"arabic":      "قطة تجلس على الأريكة وتنظر من النافذة إلى المطر",
		"persian":     "گربه روی مبل نشسته است و به باران نگاه می کند",
		"urdu":        "ایک بلی کھڑکی کے پاس بیٹھی بارش دیکھ رہی ہے",
		"hindi":       "एक बिल्ली सोफे पर बैठी है और खिड़की से बाहर देख रही है",
		"bengali":     "একটি বিড়াল জানালার পাশে বসে বৃষ্টি দেখছে",
		"tamil":       "ஒரு பூனை ஜன்னல் அருகே அமர்ந்து மழையைப் பார்க்கிறது",
		"telugu":      "ఒక పిల్లి కిటికీ దగ్గర కూర్చుని వర్షం చూస్తోంది",
		"malayalam":   "ഒരു പൂച്ച ജനലിനരികിൽ ഇരുന്ന് മഴ കാണുന്നു",
		"thai":        "แมวนั่งอยู่บนโซฟาและมองออกไปนอกหน้าต่าง",
		"chinese":     "一只猫坐在沙发上看着窗外的雨，镜头缓缓推进",
		"japanese":    "猫がソファに座って窓の外の雨を見ている、カメラがゆっくり近づく",
		"korean":      "고양이가 소파에 앉아 창밖의 비를 보고 있다",
		"amharic":     "ድመት በመስኮቱ አጠገብ ተቀምጣ ዝናቡን ትመለከታለች",
		"cherokee":    "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ᎠᏍᎦᏯ ᎤᏪᏅᏒ",
		"vietnamese":  "Một con mèo đang ngồi trên ghế sofa nhìn ra cửa sổ",
		"turkish":     "Kedi pencerenin önünde oturuyor, ışık çok yumuşak",
		"polish":      "Kot siedzi na parapecie, pada śnieg, łagodne światło",
		"german":      "Die Katze schläft auf dem Sofa, draußen regnet es",
		"mixed":       "Москва at night, timelapse of traffic on the Садовое кольцо",
		"numbers":     "٢٠٢٤ ١٢٣ ४५६ 〇 ৪৭ and 3×4 grid of ¥ coins",
		"mongolian":   "Морь тал нутагт давхиж байна",
		"kazakh":      "Жылқы далада шауып жүр",
		"inuktitut":   "ᐃᓄᒃᑎᑐᑦ ᐅᖃᐅᓯᖅ ᓯᑯ",
		"math-greek":  "Δ θ λ π σ ω formulas on a chalkboard",
		"small-caps":  "ᴀ ᴄᴀᴛ ᴏɴ ᴀ sᴏꜰᴀ",
		"emoji-latin": "a dog 🐶 running on the beach 🌊 at sunset",
	}
	for name, p := range prompts {
		if ms := b.Check(p); len(ms) != 0 {
			t.Errorf("%s: %q blocked: %+v", name, p, ms)
		}
	}
	// Words of another script with a letter that has no Latin look-alike give no Latin tokens.
	for _, p := range []string{"сидит смотрит диване", "σπίτι θάλασσα", "שלום חלון", "قطة النافذة", "նստած պատուհանի"} {
		for _, v := range Views(p) {
			if len(v.Tokens) != 0 {
				t.Errorf("%q: view %s has Latin tokens %+v", p, v.Name, v.Tokens)
			}
		}
	}
}
