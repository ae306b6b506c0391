package count_test

import (
	"fmt"

	"herald/internal/provider/count"
)

func ExampleCount() {
	text := "Family day 👩‍👩‍👧‍👦 https://example.com/photos"
	for _, network := range []string{"bluesky", "x", "threads"} {
		res := count.Count(text, count.Defaults[network])
		fmt.Printf("%s: %d of %d\n", network, res.Used, res.Max)
	}
	// Output:
	// bluesky: 39 of 300
	// x: 37 of 280
	// threads: 63 of 500
}

func ExampleSplit() {
	text := "Threads are easy to read. Each part fits the limit. Counters count too."
	for _, part := range count.Split(text, count.Rule{Method: count.Graphemes, Max: 40}, count.SplitOptions{Number: true}) {
		fmt.Println(part)
	}
	// Output:
	// Threads are easy to read. 1/3
	// Each part fits the limit. 2/3
	// Counters count too. 3/3
}

func ExampleURLs() {
	text := "Docs at docs.example.org/start, code at https://example.com/src."
	for _, s := range count.URLs(text) {
		fmt.Println(s.Start, s.End, text[s.Start:s.End])
	}
	// Output:
	// 8 30 docs.example.org/start
	// 40 63 https://example.com/src
}
