package sense

import "testing"

func testFeature(t *testing.T, name string, f func(string) bool, yes, no []string) {
	t.Helper()
	for _, s := range yes {
		if !f(s) {
			t.Errorf("%s(%q) = false, want true", name, s)
		}
	}
	for _, s := range no {
		if f(s) {
			t.Errorf("%s(%q) = true, want false", name, s)
		}
	}
}

func TestHasQuestion(t *testing.T) {
	testFeature(t, "HasQuestion", HasQuestion,
		[]string{"Where is my order?", "ok?", "how do I reset my password", "¿Dónde está?", "注文はいつ届きますか？",
			"Wie kann ich bezahlen", "Is this still available", "hello?? anyone"},
		[]string{"", "Great product!", "What a lovely day", "How nice is that", "see https://x.example/?q=1",
			"Thanks", "I wonder", "what"})
}

func TestHasLink(t *testing.T) {
	testFeature(t, "HasLink", HasLink,
		[]string{"https://herald-app.com/x", "see example.com", "bit.ly/3xYz", "www.shop.example.org/path?x=1", "go to http://a.co"},
		[]string{"", "Great.Terrible", "Dr. Marcus helped", "3.5 stars", "end of sentence.Then", "anna@example.com", "v1.2.3"})
}

func TestHasEmail(t *testing.T) {
	testFeature(t, "HasEmail", HasEmail,
		[]string{"anna@example.com", "mail bob.smith+shop@mail.example.org.", "(jo-e@ex-ample.co.uk)"},
		[]string{"", "@anna", "a@b", "user@localhost", "me @ example.com", "@anna.b"})
}

func TestHasPhone(t *testing.T) {
	testFeature(t, "HasPhone", HasPhone,
		[]string{"+49 30 1234567", "+1 (415) 555-0199", "call +441234567890", "+33 6 12 34 56 78",
			"030 1234567", "(030) 1234567", "(555) 123-4567", "555-123-4567", "555.123.4567",
			"07700 900123", "030/1234567", "Tel: 0171 2345678"},
		[]string{"", "2024-05-01", "01.05.2024", "12/05/2024 10:30", "$1,299.00", "1.299,00 €", "€ 1299",
			"Order number is 48213", "order #123456789", "3 weeks", "10/10", "9:30-17:00", "20% off",
			"1 234 567", "99.99", "+5", "ISBN 978-3-16-148410-0", "1234 5678 9012 3456", "room 12, floor 3",
			"v1.2.3", "2 for 1"})
}

func TestOnlyEmoji(t *testing.T) {
	testFeature(t, "OnlyEmoji", OnlyEmoji,
		[]string{"😍", "😍😍", " 👍🏽 ", "❤️ 🔥", "❤", "👨‍👩‍👧", "🤦🏽‍♀️", "🇩🇪", "1️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "😍\n😍"},
		[]string{"", "   ", "ok 👍", ":)", "©", "a", "😍!", "#", "1"})
}
