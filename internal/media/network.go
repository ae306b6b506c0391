package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"slices"
	"time"

	"herald/internal/model"
	"herald/internal/provider"
)

// jpegSteps are the qualities tried, best first, before an image is scaled
// down further.
var jpegSteps = []int{90, 82, 75, 65, 55}

// minSide is the smallest longer side ForNetwork shrinks an image to before
// it gives up: below it the picture is no longer worth posting.
const minSide = 320

// PublicURLTTL is how long the URL ForNetwork attaches stays valid: long
// enough for a network (or a feed reader) to fetch the file after posting.
const PublicURLTTL = 7 * 24 * time.Hour

// ForNetwork returns an asset's bytes within a network's limits: images of
// a type the network does not take, larger than it takes or with more
// pixels than it takes are re-encoded (JPEG at falling quality, then scaled
// down step by step); videos pass through unchanged or are refused with the
// reason. alt overrides the asset's own alt text when not empty. The result
// carries a signed public URL of the original for networks that fetch media
// by address. It performs no permission check.
func (s *Service) ForNetwork(ctx context.Context, m model.Media, alt string, limits provider.Limits) (provider.Media, error) {
	if alt == "" {
		alt = m.Alt
	}
	out := provider.Media{ID: m.ID, ContentType: m.ContentType, Alt: alt, Width: m.Width, Height: m.Height, URL: s.PublicURL(m, PublicURLTTL)}
	if m.Kind == model.MediaVideo {
		if limits.VideoMaxBytes > 0 && m.Size > limits.VideoMaxBytes {
			return out, model.Invalid("media", "%s is %s; this network takes videos up to %s", quote(m.Name()), byteSize(m.Size), byteSize(limits.VideoMaxBytes))
		}
		if len(limits.VideoTypes) > 0 && !slices.Contains(limits.VideoTypes, m.ContentType) {
			return out, model.Invalid("media", "%s is %s; this network takes only %v", quote(m.Name()), m.ContentType, limits.VideoTypes)
		}
	}
	data, err := s.readAll(ctx, m)
	if err != nil {
		return out, err
	}
	out.Data = data
	if m.Kind == model.MediaVideo || fits(m.ContentType, int64(len(data)), m.Width, m.Height, limits) {
		return out, nil
	}
	img, _, _, err := decodeImage(bytes.NewReader(data), m.ContentType)
	if err != nil {
		return out, named(err, m.Filename)
	}
	return shrink(out, img, m, limits)
}

func (s *Service) readAll(ctx context.Context, m model.Media) ([]byte, error) {
	r, err := s.Open(ctx, m, false)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("media: read %s: %w", m.BlobKey, err)
	}
	return b, nil
}

// fits reports whether an image may be sent as it is.
func fits(ct string, size int64, w, h int, l provider.Limits) bool {
	return (len(l.ImageTypes) == 0 || slices.Contains(l.ImageTypes, ct)) &&
		(l.ImageMaxBytes == 0 || size <= l.ImageMaxBytes) &&
		(l.ImageMaxPixels == 0 || max(w, h) <= l.ImageMaxPixels)
}

// shrink re-encodes img until it fits. JPEG is used when the network takes
// it (every network Herald knows does); otherwise PNG, scaled only.
func shrink(out provider.Media, img image.Image, m model.Media, l provider.Limits) (provider.Media, error) {
	side := max(img.Bounds().Dx(), img.Bounds().Dy())
	if l.ImageMaxPixels > 0 {
		side = min(side, l.ImageMaxPixels)
	}
	useJPEG := len(l.ImageTypes) == 0 || slices.Contains(l.ImageTypes, "image/jpeg")
	if !useJPEG && !slices.Contains(l.ImageTypes, "image/png") {
		return out, model.Invalid("media", "this network takes only %v images, which Herald cannot make", l.ImageTypes)
	}
	for ; side >= minSide; side = side * 3 / 4 {
		scaled := scaleTo(img, side)
		if useJPEG {
			for _, q := range jpegSteps {
				b, err := encodeJPEG(scaled, q)
				if err != nil {
					return out, fmt.Errorf("media: encode: %w", err)
				}
				if l.ImageMaxBytes == 0 || int64(len(b)) <= l.ImageMaxBytes {
					return done(out, b, "image/jpeg", scaled), nil
				}
			}
			continue
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, scaled); err != nil {
			return out, fmt.Errorf("media: encode: %w", err)
		}
		if l.ImageMaxBytes == 0 || int64(buf.Len()) <= l.ImageMaxBytes {
			return done(out, buf.Bytes(), "image/png", scaled), nil
		}
	}
	return out, model.Invalid("media", "%s cannot be made smaller than this network's limit of %s without losing too much; use a smaller image",
		quote(m.Name()), byteSize(l.ImageMaxBytes))
}

func done(out provider.Media, data []byte, ct string, img image.Image) provider.Media {
	out.Data, out.ContentType = data, ct
	out.Width, out.Height = img.Bounds().Dx(), img.Bounds().Dy()
	return out
}
