package media

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the content inspection: it must never
// panic, and whatever it accepts must respect the dimension limits.
func FuzzDecode(f *testing.F) {
	for _, seed := range [][]byte{
		[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"),
		[]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
		[]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"),
		[]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"),
		[]byte("\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom\x00\x00\x00\x08moov"),
		[]byte("\x7fELF\x02\x01\x01"),
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := inspect(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			return
		}
		if in.Width > MaxSide || in.Height > MaxSide || (in.Kind == "image" && int64(in.Width)*int64(in.Height) > MaxPixels) {
			t.Fatalf("accepted %dx%d", in.Width, in.Height)
		}
	})
}
