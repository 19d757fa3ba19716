// Package text is the rule-based half of the prompt pre-guard: it folds a prompt to plain
// lower-case ASCII words, undoes the common tricks for slipping a word past a filter, and matches
// the result against a blocklist and a whitelist that the operator can replace.
//
// # Views of a prompt
//
// Views turns a prompt into a few token sequences ("views"), each token remembering the byte
// span of the original text it came from, so that a match can name what it matched:
//
//	folded   Unicode folded to ASCII (NFKD with marks dropped, then Unicode's confusables
//	         skeleton (UTS #39) for what NFKD leaves, kept only where the skeleton is ASCII
//	         letters or digits: look-alikes from other scripts such as Cyrillic "а", Greek "ο",
//	         Armenian "օ", Cherokee "Ꭺ"; plus small capitals "ᴀ" and turned or reversed letters
//	         "ɐ", "ǝ" read as their letter), lower case, zero-width characters removed, split at
//	         anything that is not a letter or digit. Letters without a Latin look-alike (most of
//	         Cyrillic, Greek, and all of CJK, Arabic, Devanagari...) separate words, so benign
//	         text in other scripts is not read as Latin words.
//	turned   text written upside down ("ʇɹɐʇs" for "start"), when some word has a turned letter:
//	         words in reverse order, and those words read backwards with b/q, d/p, n/u swapped.
//	leet     digits and symbols inside words read as letters ("k1ll", "$ex", "@ss"): 0->o 1->i
//	         3->e 4->a 5->s 7->t 8->b 9->g @->a $->s !->i |->i +->t, and a second view with
//	         1 and | read as l; a * inside a word is kept as a mask ("f*ck").
//	compound words written with one hyphen, dot, underscore or apostrophe between them joined
//	         into one ("sui-cide", "co.caine").
//	joined   runs of three or more one-letter tokens joined into a word ("k i l l", "k.i.l.l").
//
// In every view, runs of three or more of the same letter are cut to two ("kiiill" -> "kiill";
// a word that is only one letter repeated, such as "xxx", is kept):
// English words almost never triple a letter, and the fuzzy rule below catches the rest.
//
// # Rules
//
// A Blocklist holds phrases (one or more words) with a category, and a whitelist of phrases.
// Following the pre-guard of NVIDIA Cosmos (its blocklist stage: ASCII folding, a censor with a
// custom list and a whitelist, the same again on the lemmatized prompt, an exact list matched at
// word boundaries, and for words of four or more letters a fuzzy n-gram check that blocks when
// the similarity ratio is at least (len-0.5)/len), a phrase matches a window of the same number
// of tokens in any view by one of these rules:
//
//	exact   the words are equal (whole words only: "skill" never matches "kill"); a phrase of
//	        several words also matches one word that is its words written together ("pipebomb")
//	spelled letters written one by one hold a phrase of 4+ letters anywhere in the run
//	        ("a p i p e b o m b" holds "pipe bomb")
//	glued   a word not in the dictionary is a listed word of 4+ letters with a dictionary word
//	        of 2+ letters glued before or after it ("killthem", "pornstar")
//	masked  a word with letters starred out, at least half of them shown ("f*ck")
//	lemma   some lemma of each word equals the lemma of the phrase's word (golem's English
//	        dictionary: "killing" -> "kill"; plus the stems of the regular inflections -s, -es,
//	        -ies, -ed, -ing, since the dictionary reads some forms only as nouns: "stabbing")
//	fuzzy   phrases of 4+ characters: the Ratcliff/Obershelp similarity ratio (the one Python's
//	        difflib.SequenceMatcher.ratio computes, 2*matches/total length) of the window and
//	        the phrase is at least (len-0.5)/len, len the phrase's length in characters
//
// The fuzzy rule alone would block real words one letter away from a listed word ("skill" is
// 0.89 similar to "kill", over the 0.875 bar). So, unlike the reference, the fuzzy rule only
// fires when at least one word of the window is not an English dictionary word: obfuscations
// with a letter inserted ("kiill", "murdder", "mdmaa") are caught, real words are left to the
// exact and lemma rules. Whitelisted phrases ("assassin bug", "gore tex") shield the words they
// cover from every rule; they match word for word only, so that a whitelisted "cracked pipe"
// does not also shield "crack pipe".
//
// # Limits
//
// Rules see words, not meaning: a harmful request phrased with no listed word passes, and a
// listed word in a harmless sense ("kill the engine") is blocked unless whitelisted. Words glued
// together other than one listed word and one dictionary word, split into pieces longer than one
// letter ("ki ll"), or with letters swapped ("pr0n") or deleted ("murdr") are not undone: the
// fuzzy bar passes one inserted character and nothing less similar. The glued rule can fire on
// proper nouns ("Penistone" is "penis" + "tone"; the shipped whitelist names it). The classifier
// stage (package classify) is there for what words alone cannot catch.
package text
