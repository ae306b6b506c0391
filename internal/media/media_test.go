package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/media"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/store"
	"herald/internal/testenv"
)

type env struct {
	a     *app.App
	s     *media.Service
	owner model.Actor
	ws    string
}

func setup(t *testing.T, cfg config.Config) *env {
	t.Helper()
	cfg.Roles = []string{"web"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{a: a, s: a.Media, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"}}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	return e
}

// nothingStored fails unless the library has no rows and the bucket no blobs.
func (e *env) nothingStored(t *testing.T) {
	t.Helper()
	list, err := e.s.List(context.Background(), e.owner, e.ws, model.MediaFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("rows = %d (%v), want none", len(list), err)
	}
	obj, err := e.s.Bucket.List(nil).Next(context.Background())
	if err != io.EOF {
		t.Errorf("bucket holds %+v (%v), want nothing", obj, err)
	}
}

func TestUploadRefusesBadFiles(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		for _, tc := range []struct {
			name, file string
			data       []byte
			want       string
		}{
			{"empty", "photo.jpg", nil, "the file is empty"},
			{"executable", "photo.jpg", elfBytes, "looks like a Linux program (ELF executable)"},
			{"bomb", "bomb.png", bombPNG(100000, 100000), "at most 16384 pixels on a side"},
			{"megapixels", "wide.png", bombPNG(10000, 10000), "at most 50 megapixels"},
			{"gif frames", "anim.gif", gifBytes(t, media.MaxGIFFrames+1), "at most 500"},
			{"text", "notes.png", []byte("hello, this is text\n"), "text/plain"},
		} {
			_, err := e.s.Upload(ctx, e.owner, e.ws, tc.file, bytes.NewReader(tc.data))
			if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: err = %v, want invalid containing %q", tc.name, err, tc.want)
			}
		}
		_, err := e.s.Upload(ctx, e.owner, e.ws, "photo.jpg", bytes.NewReader(elfBytes))
		if !strings.Contains(err.Error(), "JPEG, PNG, GIF and WebP") {
			t.Errorf("executable: %v does not say what is allowed", err)
		}
		e.nothingStored(t)
	})
}

func TestUploadImagesWithThumbnails(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		for _, tc := range []struct {
			file, ct string
			data     []byte
			w, h     int
		}{
			{"a.png", "image/png", pngBytes(t, 800, 600), 800, 600},
			{"b.bin", "image/jpeg", jpegBytes(t, 300, 500), 300, 500},
			{"c.gif", "image/gif", gifBytes(t, 3), 4, 4},
			{"d.webp", "image/webp", webpBytes, 1, 1},
		} {
			m, err := e.s.Upload(ctx, e.owner, e.ws, tc.file, bytes.NewReader(tc.data))
			if err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			if m.ContentType != tc.ct || m.Kind != model.MediaImage || m.Width != tc.w || m.Height != tc.h || len(m.SHA256) != 64 || m.Size != int64(len(tc.data)) {
				t.Errorf("%s: %+v", tc.file, m)
			}
			r, err := e.s.Open(ctx, m, true)
			if err != nil {
				t.Fatalf("%s thumbnail: %v", tc.file, err)
			}
			thumb, _ := io.ReadAll(r)
			r.Close()
			if !bytes.HasPrefix(thumb, []byte("\xff\xd8\xff")) {
				t.Errorf("%s: thumbnail is not a JPEG", tc.file)
			}
		}
		list, err := e.s.List(ctx, e.owner, e.ws, model.MediaFilter{Query: "B.BIN"})
		if err != nil || len(list) != 1 || list[0].Filename != "b.bin" {
			t.Errorf("search = %+v, %v", list, err)
		}
	})
}

func TestUploadVideo(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		m, err := e.s.Upload(context.Background(), e.owner, e.ws, "clip.mp4", bytes.NewReader(mp4Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != model.MediaVideo || m.ContentType != "video/mp4" || m.Width != 640 || m.Height != 360 || m.DurationMS != 2500 || m.Codec != "h264" || m.ThumbKey != "" {
			t.Errorf("video = %+v", m)
		}
	})
}

func TestResumableUploadResumes(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		data := mp4Bytes()
		u, err := e.s.CreateUpload(ctx, e.owner, e.ws, "clip.mp4", int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		u, m, err := e.s.Append(ctx, e.owner, e.ws, u.ID, 0, bytes.NewReader(data[:100]))
		if err != nil || m != nil || u.Offset != 100 {
			t.Fatalf("first chunk: %+v %v %v", u, m, err)
		}
		// The connection drops in the middle of the second chunk: nothing of it is kept.
		_, _, err = e.s.Append(ctx, e.owner, e.ws, u.ID, 100, io.MultiReader(bytes.NewReader(data[100:150]), errReader{}))
		if model.KindOf(err) != model.KindInvalid {
			t.Fatalf("interrupted chunk: %v", err)
		}
		// A chunk at the wrong offset is refused with the right offset.
		_, _, err = e.s.Append(ctx, e.owner, e.ws, u.ID, 150, bytes.NewReader(data[150:]))
		if model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "offset 100") {
			t.Fatalf("wrong offset: %v", err)
		}
		st, err := e.s.UploadState(ctx, e.owner, e.ws, u.ID)
		if err != nil || st.Offset != 100 {
			t.Fatalf("state = %+v, %v", st, err)
		}
		_, m, err = e.s.Append(ctx, e.owner, e.ws, u.ID, st.Offset, bytes.NewReader(data[st.Offset:]))
		if err != nil || m == nil || m.DurationMS != 2500 || m.Size != int64(len(data)) {
			t.Fatalf("last chunk: %+v %v", m, err)
		}
		if _, err := e.s.UploadState(ctx, e.owner, e.ws, u.ID); model.KindOf(err) != model.KindNotFound {
			t.Errorf("finished upload still there: %v", err)
		}
		// An upload whose content fails the checks leaves nothing behind.
		u, _ = e.s.CreateUpload(ctx, e.owner, e.ws, "photo.jpg", int64(len(elfBytes)))
		if _, _, err := e.s.Append(ctx, e.owner, e.ws, u.ID, 0, bytes.NewReader(elfBytes)); model.KindOf(err) != model.KindInvalid {
			t.Errorf("executable via upload: %v", err)
		}
		if err := e.s.Delete(ctx, e.owner, e.ws, m.ID); err != nil {
			t.Fatal(err)
		}
		e.nothingStored(t)
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestRightsAndUpdate(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		m, err := e.s.Upload(ctx, e.owner, e.ws, "a.png", bytes.NewReader(pngBytes(t, 10, 10)))
		if err != nil {
			t.Fatal(err)
		}
		end := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		m, err = e.s.Update(ctx, e.owner, e.ws, m.ID, media.Edit{Alt: " A cat ", Title: "Cat", Tags: []string{"Pets", "#cats", "pets"}, Folder: "/animals/",
			Licence: "CC BY 4.0", Credit: "Ann", ExpiresAt: end})
		if err != nil {
			t.Fatal(err)
		}
		if m.Alt != "A cat" || strings.Join(m.Tags, ",") != "pets,cats" || m.Folder != "animals" || !m.ExpiresAt.Equal(end) {
			t.Errorf("updated = %+v", m)
		}
		if err := media.Usable(m, time.Now()); err != nil {
			t.Errorf("usable before expiry: %v", err)
		}
		err = media.Usable(m, end.Add(time.Second))
		if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "expired") {
			t.Errorf("after expiry: %v", err)
		}
		got, err := e.s.Assets(ctx, e.ws, []string{"01jq3v6m2k8x9c0d4e5f6g7h8j", m.ID})
		if err != nil || len(got) != 1 || got[0].Alt != "A cat" {
			t.Errorf("assets = %+v, %v", got, err)
		}
		if list, _ := e.s.List(ctx, e.owner, e.ws, model.MediaFilter{Query: "cats", Folder: "animals", Kind: model.MediaImage}); len(list) != 1 {
			t.Errorf("tag search found %d", len(list))
		}
		if err := e.s.SetAltRequired(ctx, e.owner, e.ws, true); err != nil {
			t.Fatal(err)
		}
		if on, err := e.s.AltRequired(ctx, e.ws); !on || err != nil {
			t.Errorf("policy = %v, %v", on, err)
		}
	})
}

func TestForNetworkShrinks(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		data := pngBytes(t, 1600, 1200)
		m, err := e.s.Upload(ctx, e.owner, e.ws, "big.png", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		limits := provider.Limits{ImageMaxBytes: 100_000, ImageMaxPixels: 1000, ImageTypes: []string{"image/jpeg", "image/png"}}
		p, err := e.s.ForNetwork(ctx, m, "override", limits)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(p.Data)) > limits.ImageMaxBytes || max(p.Width, p.Height) > 1000 || p.ContentType != "image/jpeg" || p.Alt != "override" {
			t.Errorf("prepared %d bytes %dx%d %s alt %q", len(p.Data), p.Width, p.Height, p.ContentType, p.Alt)
		}
		same, err := e.s.ForNetwork(ctx, m, "", provider.Limits{})
		if err != nil || !bytes.Equal(same.Data, data) {
			t.Errorf("without limits the original should pass: %v", err)
		}
		v, _ := e.s.Upload(ctx, e.owner, e.ws, "clip.mp4", bytes.NewReader(mp4Bytes()))
		if _, err := e.s.ForNetwork(ctx, v, "", provider.Limits{VideoMaxBytes: 10}); model.KindOf(err) != model.KindInvalid {
			t.Errorf("oversized video: %v", err)
		}
	})
}

func TestSignedURL(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	ctx := context.Background()
	m, err := e.s.Upload(ctx, e.owner, e.ws, "a.png", bytes.NewReader(pngBytes(t, 10, 10)))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(e.s.PublicURL(m, time.Minute))
	if err != nil || u.Path != "/m/"+m.ID {
		t.Fatalf("url %v %v", u, err)
	}
	q := u.Query()
	_, r, err := e.s.OpenPublic(ctx, m.ID, q.Get("exp"), q.Get("sig"))
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, _, err := e.s.OpenPublic(ctx, m.ID, q.Get("exp"), strings.Repeat("0", 64)); err != media.ErrBadSignature {
		t.Errorf("forged: %v", err)
	}
	if _, _, err := e.s.OpenPublic(ctx, m.ID, "9999999999", q.Get("sig")); err != media.ErrBadSignature {
		t.Errorf("extended expiry: %v", err)
	}
	e.s.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if _, _, err := e.s.OpenPublic(ctx, m.ID, q.Get("exp"), q.Get("sig")); err != media.ErrExpiredURL {
		t.Errorf("expired: %v", err)
	}
	if c := e.s.CheckPublicURL(); c.OK || len(c.Problems) == 0 {
		t.Errorf("loopback base URL passed the check: %+v", c)
	}
	e.s.BaseURL = "https://herald.example.com"
	if c := e.s.CheckPublicURL(); !c.OK {
		t.Errorf("public https base URL failed: %+v", c)
	}
}

func TestDeleteRefusedWhileUsed(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	ctx := context.Background()
	m, err := e.s.Upload(ctx, e.owner, e.ws, "a.png", bytes.NewReader(pngBytes(t, 10, 10)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	err = e.a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.SQL().ExecContext(ctx, `INSERT INTO posts (id, workspace_id, base, author_id, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$5)`,
			"01jq3v6m2k8x9c0d4e5f6g7h8p", e.ws, `{"text":"Hello cats"}`, e.owner.UserID, now); err != nil {
			return err
		}
		return tx.SetPostMedia(ctx, "01jq3v6m2k8x9c0d4e5f6g7h8p", []string{m.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	uses, err := e.s.UsedIn(ctx, e.owner, e.ws, m.ID)
	if err != nil || len(uses) != 1 || uses[0].Text != "Hello cats" {
		t.Errorf("used in = %+v, %v", uses, err)
	}
	err = e.s.Delete(ctx, e.owner, e.ws, m.ID)
	if model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "used in 1 post") {
		t.Errorf("delete while used: %v", err)
	}
}
