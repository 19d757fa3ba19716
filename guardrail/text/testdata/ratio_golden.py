# Makes ratio_golden.tsv: Ratcliff/Obershelp ratios from Python's difflib (run with python3 from
# guardrail/text; the output was produced with Python 3.11's difflib, seed 7).
import difflib, random
random.seed(7)
pairs=[("kill","skill"),("kill","kiill"),("murder","murdr"),("murder","murdder"),("heroin","heroine"),("","") ,("abc",""),("self harm","selfharm"),("nazi","nazis"),("abcd","dcba"),("aaaa","aa"),("kitten","sitting")]
alpha="abcde "
for i in range(40):
    a="".join(random.choice(alpha) for _ in range(random.randint(0,12)))
    b="".join(random.choice(alpha) for _ in range(random.randint(0,12)))
    pairs.append((a,b))
with open('testdata/ratio_golden.tsv','w') as f:
    f.write("# a\tb\tdifflib.SequenceMatcher(None, a, b).ratio() -- made by testdata/ratio_golden.py\n")
    for a,b in pairs:
        f.write("%s\t%s\t%.17g\n"%(a,b,difflib.SequenceMatcher(None,a,b).ratio()))
