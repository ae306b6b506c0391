package sense_test

import (
	"fmt"

	"herald/internal/sense"
)

func ExampleSentiment() {
	for _, text := range []string{
		"Love it 😍",
		"not good",
		"The box was damaged but the product is perfect",
		"Do you ship to Canada?",
	} {
		fmt.Println(sense.Sentiment(text).Label)
	}
	// Output:
	// positive
	// negative
	// positive
	// neutral
}

func ExampleSpam() {
	r := sense.Spam(sense.Message{
		Text:          "Check my bio for crypto signals 🚀 bit.ly/x",
		ThreadDomains: []string{"herald-app.com"},
	})
	fmt.Printf("%.2f\n", r.Score)
	for _, reason := range r.Reasons {
		fmt.Println(reason)
	}
	// Output:
	// 0.91
	// contains a link
	// link shortener hides the destination (bit.ly)
	// known spam phrase: “check my bio”
	// known spam phrase: “crypto signals”
	// talks about crypto
}

func ExampleAbuse() {
	fmt.Println(sense.Abuse("you absolute 1d10t").Reasons)
	// Output:
	// [insult: “idiot” (aimed at someone)]
}

func ExampleLanguage() {
	code, _ := sense.Language("Wo bleibt meine Bestellung?")
	fmt.Println(code)
	// Output:
	// de
}
