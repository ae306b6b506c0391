package sense

import (
	"slices"
	"strings"
	"testing"
)

func TestSpamSignals(t *testing.T) {
	tests := []struct {
		name   string
		m      Message
		reason string // a reason that must be given
		spam   bool   // Score >= 0.5
	}{
		{"plain question", Message{Text: "Do you ship to Canada?"}, "", false},
		{"own link", Message{Text: "See https://herald-app.com/blog", ThreadDomains: []string{"herald-app.com"}}, "contains a link", false},
		{"subdomain of a thread domain", Message{Text: "docs at https://docs.herald-app.com/x", ThreadDomains: []string{"www.herald-app.com"}}, "contains a link", false},
		{"stranger link", Message{Text: "look https://deals.example.net/x", ThreadDomains: []string{"herald-app.com"}}, "link to a domain nobody in the thread used (deals.example.net)", false},
		{"shortener", Message{Text: "free stuff bit.ly/3xYz"}, "link shortener hides the destination (bit.ly)", false},
		{"spammy TLD", Message{Text: "visit cheap-watches.xyz"}, "link to a .xyz domain, common in spam", false},
		{"phrase", Message{Text: "Check my bio for more"}, "known spam phrase: “check my bio”", true},
		{"phrase, any case and punctuation", Message{Text: "FOLLOW FOR FOLLOW!!"}, "known spam phrase: “follow for follow”", true},
		{"phrase needs whole words", Message{Text: "the admiral dm'd me"}, "", false},
		{"crypto giveaway", Message{Text: "🔥 Bitcoin giveaway 🔥 send 0.1 BTC and get 0.2 back bit.ly/x"}, "talks about crypto", true},
		{"earn from home", Message{Text: "Earn money from home, DM me"}, "known spam phrase: “earn money”", true},
		{"same author repeats", Message{Text: "Amazing offer for everyone who reads this", SameAuthorRepeats: 2}, "repeated text (3 times by this author)", false},
		{"other authors repeat", Message{Text: "Amazing offer for everyone who reads this", OtherAuthorRepeats: 4}, "same text from 4 other authors", true},
		{"short repeated text is normal", Message{Text: "thanks!", OtherAuthorRepeats: 30}, "", false},
		{"hashtags", Message{Text: "#a #b #c #d #e #f"}, "many hashtags (6)", false},
		{"mentions", Message{Text: "@a @b @c @d look"}, "mentions many accounts (4)", false},
		{"capitals", Message{Text: "BUY NOW BEFORE IT IS GONE"}, "written in capitals", false},
		{"money", Message{Text: "I made $3,000 this week"}, "money talk: “$3,000”", false},
		{"off platform", Message{Text: "text me on +44 7700 900123"}, "asks to talk off the platform", false},
	}
	for _, tt := range tests {
		r := Spam(tt.m)
		if tt.reason == "" && len(r.Reasons) > 0 {
			t.Errorf("%s: Spam(%q) reasons %q, want none", tt.name, tt.m.Text, r.Reasons)
		}
		if tt.reason != "" && !slices.Contains(r.Reasons, tt.reason) {
			t.Errorf("%s: Spam(%q) reasons %q, want %q", tt.name, tt.m.Text, r.Reasons, tt.reason)
		}
		if (r.Score >= 0.5) != tt.spam {
			t.Errorf("%s: Spam(%q) score %.2f, want spam=%v", tt.name, tt.m.Text, r.Score, tt.spam)
		}
	}
}

func TestSpamKnownAuthor(t *testing.T) {
	m := Message{Text: "Check my bio, DM me for collab bit.ly/x"}
	stranger := Spam(m).Score
	m.AuthorIsKnown = true
	known := Spam(m).Score
	if !(known < stranger/2) {
		t.Errorf("known author %.2f, stranger %.2f: want a known author's score well below", known, stranger)
	}
	m.AuthorIsKnown, m.AuthorFollowers = false, 3
	if few := Spam(m); few.Score <= stranger || !slices.Contains(few.Reasons, "author has few followers (3)") {
		t.Errorf("few followers: %.2f %q, want more than %.2f", few.Score, few.Reasons, stranger)
	}
}

func TestAbuse(t *testing.T) {
	tests := []struct {
		text   string
		reason string // "" means no reason at all
		abuse  bool
	}{
		{"you idiot", "insult: “idiot” (aimed at someone)", true},
		{"what an idiot", "insult: “idiot”", true},
		{"1d10t", "insult: “idiot”", true},
		{"IDIOOOOT", "insult: “idiot”", true},
		{"you absolute m0r0n", "insult: “moron” (aimed at someone)", true},
		{"F*ck off", "insult: “fuck off”", true},
		{"stupid b1tch", "insult: “bitch”", true},
		{"I'm going to kill you", "threat: “kill you”", true},
		{"I know where you live", "threat: “i know where you live”", true},
		{"kys", "threat: “kys”", true},
		{"get lost, retard", "slur: “retard”", true},
		// whole words only, and strong words are not abuse by themselves
		{"Great class in Scunthorpe today", "", false},
		{"We need to assess the damage", "", false},
		{"Classic Dickens", "", false},
		{"Killing it with the new collection!", "", false},
		{"I'd kill for a coffee", "", false},
		{"This is fucking amazing", "profanity: “fucking”", false},
		{"Stupid me, I ordered the wrong size", "insult: “stupid”", false},
		{"Your support is useless, I want a refund", "insult: “useless”", false},
		{"@idiot_fan great post", "", false},
	}
	for _, tt := range tests {
		r := Abuse(tt.text)
		if tt.reason == "" && len(r.Reasons) > 0 || tt.reason != "" && !slices.Contains(r.Reasons, tt.reason) {
			t.Errorf("Abuse(%q) reasons %q, want %q", tt.text, r.Reasons, tt.reason)
		}
		if (r.Score >= 0.5) != tt.abuse {
			t.Errorf("Abuse(%q) score %.2f, want abuse=%v", tt.text, r.Score, tt.abuse)
		}
	}
}

func TestRiskListsParse(t *testing.T) {
	l := theRiskLists()
	if len(l.spam.entries) < 50 || len(l.abuse.entries) < 50 {
		t.Fatalf("lists not loaded: %d spam, %d abuse entries", len(l.spam.entries), len(l.abuse.entries))
	}
	for key, e := range l.abuse.entries {
		if e.kind != "insult" && e.kind != "slur" && e.kind != "threat" && e.kind != "profanity" {
			t.Errorf("abuse.txt %q: unknown kind %q", key, e.kind)
		}
		if e.weight <= 0 || e.weight > 1 || strings.TrimSpace(key) == "" {
			t.Errorf("abuse.txt %q: weight %v", key, e.weight)
		}
	}
}
