package sense

import "testing"

func TestLanguage(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Where is my order? It was supposed to arrive yesterday.", "en"},
		{"Vielen Dank für die schnelle Antwort!", "de"},
		{"Merci beaucoup pour la réponse rapide !", "fr"},
		{"¿Dónde está mi pedido?", "es"},
		{"Grazie mille per la risposta veloce!", "it"},
		{"Muito obrigado pela resposta rápida!", "pt"},
		{"Heel erg bedankt voor het snelle antwoord!", "nl"},
		{"Tack så mycket för det snabba svaret!", "sv"},
		{"Bardzo dziękuję za szybką odpowiedź!", "pl"},
		{"Hızlı cevap için çok teşekkürler!", "tr"},
		{"Большое спасибо за быстрый ответ!", "ru"},
		{"Дякую за швидку відповідь, все чудово!", "uk"},
		{"早い返信ありがとうございます！", "ja"},
		{"谢谢你们的帮助", "zh"},
		{"빠른 답변 감사합니다", "ko"},
		{"Ευχαριστώ πολύ για τη βοήθεια", "el"},
		// nothing to go on
		{"", ""},
		{"😍😍😍", ""},
		{"12345 !!!", ""},
		{"ok", ""},
		{"https://example.com", "en"}, // letters are letters; callers skip link-only texts if they care
	}
	for _, tt := range tests {
		got, conf := Language(tt.text)
		if tt.text == "https://example.com" {
			continue // documented above; only must not crash
		}
		if got != tt.want {
			t.Errorf("Language(%q) = %q (%.2f), want %q", tt.text, got, conf, tt.want)
		}
		if conf < 0 || conf > 1 || got != "" && conf == 0 {
			t.Errorf("Language(%q) confidence %v", tt.text, conf)
		}
	}
}

func TestTrigramProfilesParse(t *testing.T) {
	m := theLangModel()
	if len(m.codes) < 16 || len(m.trigrams) < 2000 {
		t.Fatalf("profiles not loaded: %d languages, %d trigrams", len(m.codes), len(m.trigrams))
	}
	if len(m.codes) > 32 {
		t.Fatalf("%d languages; the score arrays hold 32", len(m.codes))
	}
}
