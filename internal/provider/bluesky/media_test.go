package bluesky

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/http"
	"testing"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
)

func testClient() *http.Client { return httpclient.New(httpclient.Options{AllowPrivate: true}) }

func TestPrepareImageKeepsWhatFits(t *testing.T) {
	data := pngBytes(t, 30, 20)
	img, err := prepareImage(provider.Media{ID: "a", ContentType: "image/png", Data: data}, 1_000_000, 2000)
	if err != nil || !bytes.Equal(img.data, data) || img.mime != "image/png" || img.width != 30 || img.height != 20 {
		t.Fatalf("%+v %v", img, err)
	}
}

func TestPrepareImageShrinksOverTheByteLimit(t *testing.T) {
	// Noise does not compress: about 3 MB of PNG within the pixel limit.
	r := rand.New(rand.NewPCG(1, 2))
	src := image.NewNRGBA(image.Rect(0, 0, 1000, 800))
	for i := range src.Pix {
		src.Pix[i] = uint8(r.IntN(256))
	}
	for i := 3; i < len(src.Pix); i += 4 {
		src.Pix[i] = 128 // half transparent: painted on white, not black
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	if buf.Len() <= 1_000_000 {
		t.Fatalf("test image too small: %d", buf.Len())
	}
	img, err := prepareImage(provider.Media{ID: "n", ContentType: "image/png", Data: buf.Bytes()}, 1_000_000, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if len(img.data) > 1_000_000 || img.mime != "image/jpeg" || img.width*800 != img.height*1000 {
		t.Fatalf("%d bytes %s %dx%d", len(img.data), img.mime, img.width, img.height)
	}
	dec, _, err := image.Decode(bytes.NewReader(img.data))
	if err != nil {
		t.Fatal(err)
	}
	if c := color.GrayModel.Convert(dec.At(0, 0)).(color.Gray); c.Y < 40 {
		t.Fatalf("transparent pixels turned dark: %v", c)
	}
}

func TestPrepareImageRefusesLargeUnknownFormats(t *testing.T) {
	_, err := prepareImage(provider.Media{ID: "h", ContentType: "image/heic", Data: make([]byte, 1_000_001)}, 1_000_000, 2000)
	wantTrait(t, err, provider.Permanent)
	small, err := prepareImage(provider.Media{ID: "h", ContentType: "image/heic", Data: make([]byte, 10), Width: 4, Height: 3}, 1_000_000, 2000)
	if err != nil || small.mime != "image/heic" || small.width != 4 {
		t.Fatalf("%+v %v", small, err)
	}
}
