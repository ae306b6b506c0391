package account

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image/png"
	"net/url"
	"strings"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/password"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// TOTPEnrollment is what a user needs to add Herald to an authenticator app.
type TOTPEnrollment struct {
	Secret    string
	URL       string
	QRDataURI string // PNG as a data: URI
}

// BeginTOTP makes a new (not yet enabled) TOTP secret for the actor.
func (s *Service) BeginTOTP(ctx context.Context, a model.Actor) (TOTPEnrollment, error) {
	u, err := s.User(ctx, a.UserID)
	if err != nil {
		return TOTPEnrollment{}, err
	}
	if u.TOTPEnabled {
		return TOTPEnrollment{}, model.Conflict("", "two-factor sign-in is already on; turn it off first to enrol a new device")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Herald", AccountName: u.Email})
	if err != nil {
		return TOTPEnrollment{}, err
	}
	sealed, err := s.Box.Seal(key.Secret())
	if err != nil {
		return TOTPEnrollment{}, err
	}
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SetTOTP(ctx, u.ID, sealed, false, s.now()) }); err != nil {
		return TOTPEnrollment{}, err
	}
	return enrollment(key)
}

// PendingTOTP returns the enrolment in progress, if any.
func (s *Service) PendingTOTP(ctx context.Context, a model.Actor) (TOTPEnrollment, bool, error) {
	u, err := s.User(ctx, a.UserID)
	if err != nil || u.TOTPEnabled || u.TOTPSecret == "" {
		return TOTPEnrollment{}, false, err
	}
	sec, err := s.Box.Open(u.TOTPSecret)
	if err != nil {
		return TOTPEnrollment{}, false, err
	}
	label := url.PathEscape("Herald:" + u.Email)
	key, err := otp.NewKeyFromURL("otpauth://totp/" + label + "?" + url.Values{"issuer": {"Herald"}, "secret": {sec}}.Encode())
	if err != nil {
		return TOTPEnrollment{}, false, err
	}
	e, err := enrollment(key)
	return e, err == nil, err
}

func enrollment(key *otp.Key) (TOTPEnrollment, error) {
	img, err := key.Image(200, 200)
	if err != nil {
		return TOTPEnrollment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrollment{}, err
	}
	return TOTPEnrollment{Secret: key.Secret(), URL: key.URL(), QRDataURI: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// ConfirmTOTP turns two-factor on once the user proves the app works, and
// returns fresh recovery codes to show once.
func (s *Service) ConfirmTOTP(ctx context.Context, a model.Actor, code string) ([]string, error) {
	u, err := s.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	if u.TOTPEnabled || u.TOTPSecret == "" {
		return nil, model.Conflict("", "start two-factor set-up first")
	}
	if !s.checkCode(u, code) {
		return nil, model.Invalid("code", "that code is not right; enter the 6 digits your app shows now")
	}
	codes, hashes, cids := newRecoveryCodes()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, u.ID, u.TOTPSecret, true, s.now()); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, cids, hashes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "user.2fa_enable", "user", u.ID, "", nil)
	})
	return codes, err
}

// DisableTOTP turns two-factor off after checking the password.
func (s *Service) DisableTOTP(ctx context.Context, a model.Actor, pw string) error {
	u, err := s.User(ctx, a.UserID)
	if err != nil {
		return err
	}
	if password.Verify(u.PasswordHash, pw) != nil {
		return model.Invalid("password", "the password is not correct")
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, u.ID, "", false, s.now()); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "user.2fa_disable", "user", u.ID, "", nil)
	})
}

// RegenerateRecoveryCodes replaces the actor's recovery codes.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, a model.Actor) ([]string, error) {
	u, err := s.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	if !u.TOTPEnabled {
		return nil, model.Conflict("", "turn two-factor sign-in on first")
	}
	codes, hashes, cids := newRecoveryCodes()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, cids, hashes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "user.2fa_recovery_codes", "user", u.ID, "", nil)
	})
	return codes, err
}

// RecoveryCodesLeft counts the actor's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, a model.Actor) (int, error) {
	return s.Store.Read().CountRecoveryCodes(ctx, a.UserID)
}

func newRecoveryCodes() (codes, hashes, cids []string) {
	for i := 0; i < 10; i++ {
		raw := strings.ToLower(secret.Token()[:10])
		c := raw[:5] + "-" + raw[5:]
		codes = append(codes, c)
		hashes = append(hashes, secret.Hash(c))
		cids = append(cids, ids.New())
	}
	return codes, hashes, cids
}

func (s *Service) checkCode(u model.User, code string) bool {
	sec, err := s.Box.Open(u.TOTPSecret)
	if err != nil || sec == "" {
		return false
	}
	ok, err := totp.ValidateCustom(strings.ReplaceAll(strings.TrimSpace(code), " ", ""), sec, s.now(), totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// VerifySecondFactor completes a pending sign-in with a TOTP code or a
// recovery code, and rotates the session token.
func (s *Service) VerifySecondFactor(ctx context.Context, a model.Actor, pending model.Session, code string) (string, model.Session, error) {
	if pending.Stage != model.StageMFA {
		return "", pending, model.Conflict("", "this sign-in does not need a code")
	}
	if err := s.allowIP(a.IP); err != nil {
		return "", pending, err
	}
	u, err := s.User(ctx, pending.UserID)
	if err != nil {
		return "", pending, err
	}
	a.UserID, a.Email = u.ID, u.Email
	if !s.checkCode(u, code) {
		used := s.Store.InTx(ctx, func(tx *store.Tx) error {
			return tx.UseRecoveryCode(ctx, u.ID, secret.Hash(strings.ToLower(strings.TrimSpace(code))), s.now())
		})
		if errors.Is(used, store.ErrNotFound) {
			return "", pending, model.Invalid("code", "that code is not right; enter the 6 digits from your app or one recovery code")
		} else if used != nil {
			return "", pending, used
		}
	}
	return s.openSession(ctx, a, u.ID, model.StageFull, pending.ID)
}
