package bluesky

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decoders for image.Decode: the formats Bluesky users upload
	"image/jpeg"
	_ "image/png"
	"strings"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/api/bsky"
	lexutil "github.com/bluesky-social/indigo/lex/util"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"herald/internal/provider"
)

// blobImage is an image ready to upload.
type blobImage struct {
	data          []byte
	mime          string
	width, height int // 0 when unknown
}

// prepareImage returns m as Bluesky accepts it: unchanged when it fits
// (at most maxBytes and maxPixels on its longer side), otherwise scaled
// down and re-encoded as JPEG until it does. Bluesky refuses blobs over
// 1,000,000 bytes (BlobTooLarge, "976.56KB"), so sending a phone photo
// as it is would fail the whole post.
func prepareImage(m provider.Media, maxBytes int64, maxPixels int) (blobImage, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(m.Data))
	if err != nil {
		// A format Go cannot read (HEIC, AVIF...): send it when it fits,
		// and let the server judge it.
		if maxBytes > 0 && int64(len(m.Data)) > maxBytes {
			return blobImage{}, provider.Errorf(provider.Permanent, Network, "upload image", err,
				"image %s is %d bytes, over Bluesky's %d, and its format cannot be re-encoded here", m.ID, len(m.Data), maxBytes)
		}
		return blobImage{data: m.Data, mime: mimeOr(m.ContentType), width: m.Width, height: m.Height}, nil
	}
	fits := (maxBytes <= 0 || int64(len(m.Data)) <= maxBytes) && (maxPixels <= 0 || max(cfg.Width, cfg.Height) <= maxPixels)
	if fits {
		return blobImage{data: m.Data, mime: "image/" + format, width: cfg.Width, height: cfg.Height}, nil
	}
	img, _, err := image.Decode(bytes.NewReader(m.Data))
	if err != nil {
		return blobImage{}, provider.Errorf(provider.Permanent, Network, "upload image", err, "image %s cannot be decoded: %v", m.ID, err)
	}
	return shrink(img, m.ID, maxBytes, maxPixels)
}

// shrink scales img to fit maxPixels and lowers JPEG quality, then size,
// until the encoding fits maxBytes.
func shrink(img image.Image, id string, maxBytes int64, maxPixels int) (blobImage, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if maxPixels > 0 && max(w, h) > maxPixels {
		w, h = fit(w, h, maxPixels)
	}
	for attempt := 0; attempt < 8 && w > 0 && h > 0; attempt++ {
		// JPEG has no alpha: paint on white so transparent areas do not turn black.
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
		for _, q := range []int{90, 80, 70, 60} {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: q}); err != nil {
				return blobImage{}, fmt.Errorf("bluesky: encode image %s: %w", id, err)
			}
			if maxBytes <= 0 || int64(buf.Len()) <= maxBytes {
				return blobImage{data: buf.Bytes(), mime: "image/jpeg", width: w, height: h}, nil
			}
		}
		w, h = w*3/4, h*3/4
	}
	return blobImage{}, provider.Errorf(provider.Permanent, Network, "upload image", nil, "image %s cannot be made smaller than %d bytes", id, maxBytes)
}

// fit scales w×h down so its longer side is limit, keeping the aspect ratio.
func fit(w, h, limit int) (int, int) {
	if w >= h {
		return limit, max(1, h*limit/w)
	}
	return max(1, w*limit/h), limit
}

func mimeOr(ct string) string {
	if strings.HasPrefix(ct, "image/") {
		return ct
	}
	return "application/octet-stream"
}

// upload stores an image as a blob in the account's repo. Blobs are
// content-addressed, so uploading the same bytes twice (a retry) stores
// one blob; it is not a publishing call.
func (s *session) upload(ctx context.Context, img blobImage) (*lexutil.LexBlob, error) {
	var out comatproto.RepoUploadBlob_Output
	// https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob
	// (called through LexDo to send the image's own Content-Type: the
	// generated RepoUploadBlob sends */*).
	err := s.xc.LexDo(ctx, lexutil.Procedure, img.mime, "com.atproto.repo.uploadBlob", nil, bytes.NewReader(img.data), &out)
	if err != nil {
		return nil, s.classify("upload image", false, err)
	}
	if out.Blob == nil {
		return nil, provider.Errorf(provider.Transient, Network, "upload image", nil, "the server answered without a blob")
	}
	return out.Blob, nil
}

// embedImages uploads a segment's images for app.bsky.embed.images, with
// alt text and aspectRatio (the app lays images out by it).
func (s *session) embedImages(ctx context.Context, media []provider.Media, lim provider.Limits) (*bsky.EmbedImages, error) {
	emb := &bsky.EmbedImages{}
	for _, m := range media {
		img, err := prepareImage(m, lim.ImageMaxBytes, lim.ImageMaxPixels)
		if err != nil {
			return nil, err
		}
		blob, err := s.upload(ctx, img)
		if err != nil {
			return nil, err
		}
		im := &bsky.EmbedImages_Image{Alt: m.Alt, Image: blob}
		if img.width > 0 && img.height > 0 {
			im.AspectRatio = &bsky.EmbedDefs_AspectRatio{Width: int64(img.width), Height: int64(img.height)}
		}
		emb.Images = append(emb.Images, im)
	}
	return emb, nil
}

// embedExternal builds a link card (app.bsky.embed.external) with its
// thumbnail uploaded as a blob. A thumbnail that cannot be prepared is left
// out: the card still works without it (FIELD-NOTES: link previews must not
// break publishing).
func (s *session) embedExternal(ctx context.Context, card *provider.LinkCard, lim provider.Limits) (*bsky.EmbedExternal, error) {
	ext := &bsky.EmbedExternal_External{Uri: card.URL, Title: card.Title, Description: card.Description}
	if card.Thumb != nil && len(card.Thumb.Data) > 0 {
		if img, err := prepareImage(*card.Thumb, lim.ImageMaxBytes, lim.ImageMaxPixels); err == nil {
			blob, err := s.upload(ctx, img)
			if err != nil {
				return nil, err
			}
			ext.Thumb = blob
		}
	}
	return &bsky.EmbedExternal{External: ext}, nil
}
