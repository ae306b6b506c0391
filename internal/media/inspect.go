package media

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"herald/internal/model"
)

// Limits on what an image may declare before Herald decodes its pixels. A
// few kilobytes of compressed PNG can declare a 100000×100000 canvas that
// would need 40 GB to decode (a "decompression bomb"), so dimensions are
// read from the header first and refused above these.
const (
	MaxSide      = 16384      // pixels on either side
	MaxPixels    = 50_000_000 // width × height
	MaxGIFFrames = 500        // frames of an animated GIF
	ThumbSide    = 320        // longest side of a thumbnail
)

// allowed is the sentence every "wrong type" message ends with.
const allowed = "Herald takes JPEG, PNG, GIF and WebP images and MP4 or MOV videos"

// info is what Herald reads from a file's content.
type info struct {
	ContentType string
	Kind        model.MediaKind
	Width       int
	Height      int
	DurationMS  int64
	Codec       string
	Thumb       []byte // JPEG; nil for video
}

// sniff names a file's type from its first bytes. It returns the content
// type Herald accepts, or "" and a description of what the bytes look like.
func sniff(head []byte) (contentType, looksLike string) {
	has := func(off int, sig string) bool {
		return len(head) >= off+len(sig) && string(head[off:off+len(sig)]) == sig
	}
	switch {
	case has(0, "\xff\xd8\xff"):
		return "image/jpeg", ""
	case has(0, "\x89PNG\r\n\x1a\n"):
		return "image/png", ""
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "image/gif", ""
	case has(0, "RIFF") && has(8, "WEBP"):
		return "image/webp", ""
	case has(4, "ftyp"):
		return ftyp(head)
	case has(4, "moov"), has(4, "mdat"), has(4, "wide"), has(4, "free"), has(4, "skip"):
		return "video/quicktime", "" // old QuickTime files start without ftyp
	case has(0, "\x7fELF"):
		return "", "a Linux program (ELF executable)"
	case has(0, "MZ"):
		return "", "a Windows program (EXE or DLL)"
	case has(0, "\xcf\xfa\xed\xfe"), has(0, "\xce\xfa\xed\xfe"), has(0, "\xca\xfe\xba\xbe"):
		return "", "a macOS program (Mach-O)"
	case has(0, "#!"):
		return "", "a script"
	case has(0, "%PDF"):
		return "", "a PDF document"
	case has(0, "PK\x03\x04"):
		return "", "a ZIP archive (or an Office document)"
	case has(0, "\x1f\x8b"):
		return "", "a gzip archive"
	case has(0, "BM"):
		return "", "a BMP image (convert it to PNG or JPEG)"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "", "a TIFF image (convert it to PNG or JPEG)"
	case has(0, "RIFF") && has(8, "AVI "):
		return "", "an AVI video (convert it to MP4)"
	case has(0, "\x1a\x45\xdf\xa3"):
		return "", "a WebM or Matroska video (convert it to MP4)"
	}
	ct := http.DetectContentType(head)
	switch {
	case bytes.Contains(bytes.ToLower(head), []byte("<svg")):
		return "", "an SVG drawing (convert it to PNG)"
	case ct == "application/octet-stream":
		return "", "binary data of an unknown type"
	}
	return "", "a file of type " + ct
}

// ftyp tells MP4 and MOV from the image formats that share the ISO box
// layout (HEIC, AVIF).
func ftyp(head []byte) (string, string) {
	if len(head) < 12 {
		return "", "a truncated MP4 file"
	}
	switch brand := string(head[8:12]); brand {
	case "heic", "heix", "hevc", "hevx", "mif1", "msf1":
		return "", "a HEIC image (set your camera or phone to save JPEG, or convert it)"
	case "avif", "avis":
		return "", "an AVIF image (convert it to PNG or JPEG)"
	case "qt  ":
		return "video/quicktime", ""
	}
	return "video/mp4", ""
}

// inspect reads a file's type and properties from its content, decoding
// images within the limits above and making their thumbnail. r must be
// positioned at the start; size is the file's length.
func inspect(r io.ReaderAt, size int64, name string) (info, error) {
	if size == 0 {
		return info{}, model.Invalid("file", "the file is empty")
	}
	head := make([]byte, 512)
	n, err := r.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return info{}, fmt.Errorf("media: read head: %w", err)
	}
	ct, looks := sniff(head[:n])
	if ct == "" {
		return info{}, model.Invalid("file", "%s looks like %s, not an image or a video; %s", quote(name), looks, allowed)
	}
	if ct == "video/mp4" || ct == "video/quicktime" {
		v, err := readMP4(r, size)
		if err != nil {
			return info{}, model.Invalid("file", "%s is not a video Herald can read: %v", quote(name), err)
		}
		return info{ContentType: ct, Kind: model.MediaVideo, Width: v.Width, Height: v.Height, DurationMS: v.DurationMS, Codec: v.Codec}, nil
	}
	in := info{ContentType: ct, Kind: model.MediaImage}
	img, w, h, err := decodeImage(io.NewSectionReader(r, 0, size), ct)
	if err != nil {
		return info{}, named(err, name)
	}
	in.Width, in.Height = w, h
	if in.Thumb, err = thumbnail(img); err != nil {
		return info{}, fmt.Errorf("media: thumbnail: %w", err)
	}
	return in, nil
}

// decodeImage checks an image's declared dimensions (and a GIF's frame
// count) before it decodes any pixels, then decodes it (a GIF's first
// frame) so a corrupt file is refused now instead of at publishing time.
func decodeImage(rs io.ReadSeeker, ct string) (image.Image, int, int, error) {
	br := bufio.NewReader(rs)
	var cfg image.Config
	var err error
	switch ct {
	case "image/jpeg":
		cfg, err = jpeg.DecodeConfig(br)
	case "image/png":
		cfg, err = png.DecodeConfig(br)
	case "image/gif":
		cfg, err = gif.DecodeConfig(br)
	case "image/webp":
		cfg, err = webp.DecodeConfig(br)
	default:
		return nil, 0, 0, model.Invalid("file", "%%s has an unsupported image type %s", ct)
	}
	if err != nil {
		return nil, 0, 0, model.Invalid("file", "%%s is not a valid image: %v", err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, 0, 0, err
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return nil, 0, 0, err
	}
	if ct == "image/gif" {
		frames, err := gifFrames(bufio.NewReader(rs))
		if err != nil {
			return nil, 0, 0, model.Invalid("file", "%%s is not a valid GIF: %v", err)
		}
		if frames > MaxGIFFrames {
			return nil, 0, 0, model.Invalid("file", "%%s has %d frames; animated GIFs may have at most %d", frames, MaxGIFFrames)
		}
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return nil, 0, 0, err
		}
	}
	img, _, err := image.Decode(bufio.NewReader(rs))
	if err != nil {
		return nil, 0, 0, model.Invalid("file", "%%s is not a valid image: %v", err)
	}
	b := img.Bounds()
	return img, b.Dx(), b.Dy(), nil
}

func checkDimensions(w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return model.Invalid("file", "%%s declares an empty %d×%d picture", w, h)
	case w > MaxSide || h > MaxSide:
		return model.Invalid("file", "%%s is %d×%d pixels; images may be at most %d pixels on a side", w, h, MaxSide)
	case int64(w)*int64(h) > MaxPixels:
		return model.Invalid("file", "%%s is %d×%d pixels (%.1f megapixels); images may have at most %d megapixels", w, h,
			float64(w)*float64(h)/1e6, MaxPixels/1_000_000)
	}
	return nil
}

// named fills the file name into a message made with a literal "%s"
// placeholder by the decoding helpers, which do not know the name.
func named(err error, name string) error {
	if e := model.AsError(err); e != nil {
		return &model.Error{Kind: e.Kind, Field: e.Field, Msg: strings.Replace(e.Msg, "%s", quote(name), 1)}
	}
	return err
}

func quote(name string) string {
	if name == "" {
		return "the file"
	}
	return fmt.Sprintf("%q", name)
}

// gifFrames counts a GIF's image descriptors by walking its blocks, which
// needs no pixel memory (gif.DecodeAll would decode every frame).
func gifFrames(r *bufio.Reader) (int, error) {
	hdr := make([]byte, 13)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return 0, err
	}
	if hdr[10]&0x80 != 0 { // global colour table
		if _, err := r.Discard(3 << (int(hdr[10]&7) + 1)); err != nil {
			return 0, err
		}
	}
	frames := 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			return frames, err
		}
		switch b {
		case 0x3b: // trailer
			return frames, nil
		case 0x21: // extension: label, then sub-blocks
			if _, err := r.ReadByte(); err != nil {
				return frames, err
			}
		case 0x2c: // image descriptor
			frames++
			if frames > MaxGIFFrames {
				return frames, nil
			}
			d := make([]byte, 9)
			if _, err := io.ReadFull(r, d); err != nil {
				return frames, err
			}
			if d[8]&0x80 != 0 { // local colour table
				if _, err := r.Discard(3 << (int(d[8]&7) + 1)); err != nil {
					return frames, err
				}
			}
			if _, err := r.ReadByte(); err != nil { // LZW minimum code size
				return frames, err
			}
		default:
			return frames, fmt.Errorf("unexpected block 0x%02x", b)
		}
		if err := skipSubBlocks(r); err != nil {
			return frames, err
		}
	}
}

func skipSubBlocks(r *bufio.Reader) error {
	for {
		n, err := r.ReadByte()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if _, err := r.Discard(int(n)); err != nil {
			return err
		}
	}
}

// thumbnail scales img to fit ThumbSide and encodes it as JPEG over white,
// so transparent images stay legible.
func thumbnail(img image.Image) ([]byte, error) {
	return encodeJPEG(scaleTo(img, ThumbSide), 80)
}

// scaleTo returns img shrunk so its longer side is at most side pixels,
// drawn over white (JPEG has no transparency).
func scaleTo(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > side || h > side {
		if w >= h {
			w, h = side, max(1, h*side/w)
		} else {
			w, h = max(1, w*side/h), side
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}

func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality})
	return buf.Bytes(), err
}
