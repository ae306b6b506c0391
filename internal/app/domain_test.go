package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/model"
	"herald/internal/testenv"
)

func wantKind(t *testing.T, err error, kind model.Kind, field string) {
	t.Helper()
	testenv.WantKind(t, err, kind, field)
}

func actorOf(u model.User, ip string) model.Actor {
	return model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: u.IsAdmin, IP: ip, Via: "web"}
}

func TestSetupOnlyOnceAndValidation(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		_, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "not-an-email", Name: "x", Password: "long enough pw"})
		wantKind(t, err, model.KindInvalid, "email")
		_, err = a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "o@example.com", Name: "O", Password: "short"})
		wantKind(t, err, model.KindInvalid, "password")
		u, err := a.Accounts.Setup(ctx, model.Actor{}, accountNew("o@example.com"))
		if err != nil || !u.IsAdmin {
			t.Fatalf("setup: %+v %v", u, err)
		}
		_, err = a.Accounts.Setup(ctx, model.Actor{}, accountNew("p@example.com"))
		wantKind(t, err, model.KindConflict, "")
	})
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		if _, err := a.Accounts.Setup(ctx, model.Actor{}, accountNew("o@example.com")); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= account.MaxFailures; i++ {
			_, err := a.Accounts.SignIn(ctx, model.Actor{IP: "10.0.0." + string(rune('0'+i))}, "o@example.com", "wrong password!")
			if i < account.MaxFailures {
				wantKind(t, err, model.KindUnauthorized, "")
			} else {
				wantKind(t, err, model.KindRateLimited, "")
			}
		}
		_, err := a.Accounts.SignIn(ctx, model.Actor{IP: "10.0.1.1"}, "o@example.com", "a long enough password")
		wantKind(t, err, model.KindRateLimited, "")
		if !strings.Contains(err.Error(), "locked") {
			t.Fatalf("message does not say locked: %v", err)
		}
	})
}

func TestSignInThrottledPerAddress(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		var err error
		for i := 0; i < 12; i++ {
			_, err = a.Accounts.SignIn(ctx, model.Actor{IP: "192.0.2.1"}, "nobody@example.com", "whatever password")
		}
		wantKind(t, err, model.KindRateLimited, "")
		if model.AsError(err).RetryAfter <= 0 {
			t.Fatal("no retry-after")
		}
	})
}

func TestTwoFactorSignIn(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		u, err := a.Accounts.Setup(ctx, model.Actor{}, accountNew("o@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		me := actorOf(u, "ip1")
		enr, err := a.Accounts.BeginTOTP(ctx, me)
		if err != nil || !strings.HasPrefix(enr.QRDataURI, "data:image/png;base64,") {
			t.Fatalf("begin: %v", err)
		}
		_, err = a.Accounts.ConfirmTOTP(ctx, me, "000000")
		wantKind(t, err, model.KindInvalid, "code")
		code, _ := totp.GenerateCode(enr.Secret, time.Now())
		recovery, err := a.Accounts.ConfirmTOTP(ctx, me, code)
		if err != nil || len(recovery) != 10 {
			t.Fatalf("confirm: %d codes, %v", len(recovery), err)
		}
		si, err := a.Accounts.SignIn(ctx, model.Actor{IP: "ip2"}, "o@example.com", "a long enough password")
		if err != nil || !si.NeedsTOTP || si.Session.Stage != model.StageMFA {
			t.Fatalf("sign-in: %+v %v", si, err)
		}
		_, _, err = a.Accounts.VerifySecondFactor(ctx, model.Actor{IP: "ip2"}, si.Session, "123456")
		wantKind(t, err, model.KindInvalid, "code")
		tok, sess, err := a.Accounts.VerifySecondFactor(ctx, model.Actor{IP: "ip2"}, si.Session, recovery[0])
		if err != nil || sess.Stage != model.StageFull || tok == si.Token {
			t.Fatalf("recovery code: %v", err)
		}
		if _, _, err := a.Accounts.Session(ctx, si.Token); err == nil {
			t.Fatal("pending session token still valid after rotation")
		}
		si2, _ := a.Accounts.SignIn(ctx, model.Actor{IP: "ip3"}, "o@example.com", "a long enough password")
		_, _, err = a.Accounts.VerifySecondFactor(ctx, model.Actor{IP: "ip3"}, si2.Session, recovery[0])
		wantKind(t, err, model.KindInvalid, "code") // a recovery code works once
		if left, _ := a.Accounts.RecoveryCodesLeft(ctx, me); left != 9 {
			t.Fatalf("codes left %d", left)
		}
	})
}

func TestPasswordResetWithoutMailUsesAdminLink(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		admin, _ := a.Accounts.Setup(ctx, model.Actor{}, accountNew("o@example.com"))
		res, err := a.Accounts.RequestPasswordReset(ctx, model.Actor{}, "o@example.com")
		if err != nil || res.Emailed {
			t.Fatalf("without mail nothing is sent: %+v %v", res, err)
		}
		link, err := a.Accounts.AdminResetLink(ctx, actorOf(admin, "ip"), admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		token := link[strings.LastIndex(link, "/")+1:]
		wantKind(t, a.Accounts.ResetPassword(ctx, model.Actor{}, token, "short"), model.KindInvalid, "password")
		if err := a.Accounts.ResetPassword(ctx, model.Actor{}, token, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, a.Accounts.ResetPassword(ctx, model.Actor{}, token, "another new password"), model.KindNotFound, "")
		if _, err := a.Accounts.SignIn(ctx, model.Actor{IP: "x"}, "o@example.com", "a brand new password"); err != nil {
			t.Fatalf("sign in with new password: %v", err)
		}
	})
}

func TestMembershipRules(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		owner, _ := a.Accounts.Setup(ctx, model.Actor{}, accountNew("owner@example.com"))
		o := actorOf(owner, "ip")
		w, err := a.Workspaces.Create(ctx, o, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		join := func(email, role string) model.Actor {
			inv, err := a.Workspaces.Invite(ctx, o, w.ID, email, role)
			if err != nil {
				t.Fatalf("invite %s: %v", email, err)
			}
			if inv.Emailed || !strings.Contains(inv.Link, "/invite/") {
				t.Fatalf("without mail the link is handed over: %+v", inv)
			}
			token := inv.Link[strings.LastIndex(inv.Link, "/")+1:]
			u, err := a.Workspaces.AcceptWithNewAccount(ctx, a.Accounts, model.Actor{IP: "ip"}, token, "N", "a long enough password")
			if err != nil {
				t.Fatalf("accept %s: %v", email, err)
			}
			return actorOf(u, "ip")
		}
		admin := join("admin@example.com", "admin")
		manager := join("manager@example.com", "manager")
		viewer := join("viewer@example.com", "viewer")

		_, err = a.Workspaces.Invite(ctx, manager, w.ID, "x@example.com", "admin")
		wantKind(t, err, model.KindForbidden, "")
		_, err = a.Workspaces.Invite(ctx, manager, w.ID, "x@example.com", "boss")
		wantKind(t, err, model.KindInvalid, "role")
		_, err = a.Workspaces.Invite(ctx, viewer, w.ID, "x@example.com", "viewer")
		wantKind(t, err, model.KindForbidden, "")
		_, err = a.Workspaces.Invite(ctx, o, w.ID, "viewer@example.com", "viewer")
		wantKind(t, err, model.KindConflict, "email")

		wantKind(t, a.Workspaces.ChangeRole(ctx, admin, w.ID, owner.ID, "viewer"), model.KindForbidden, "")
		wantKind(t, a.Workspaces.ChangeRole(ctx, o, w.ID, owner.ID, "admin"), model.KindConflict, "role")
		wantKind(t, a.Workspaces.RemoveMember(ctx, o, w.ID, owner.ID), model.KindConflict, "role")
		if err := a.Workspaces.ChangeRole(ctx, admin, w.ID, viewer.UserID, "editor"); err != nil {
			t.Fatal(err)
		}
		if err := a.Workspaces.RemoveMember(ctx, viewer, w.ID, viewer.UserID); err != nil {
			t.Fatalf("leaving: %v", err)
		}
		_, err = a.Workspaces.Get(ctx, viewer, w.ID)
		wantKind(t, err, model.KindNotFound, "")

		entries, err := a.Workspaces.Audit(ctx, o, w.ID, model.AuditFilter{Action: "member."})
		if err != nil || len(entries) < 5 {
			t.Fatalf("audit: %d entries, %v", len(entries), err)
		}
		_, err = a.Workspaces.Audit(ctx, manager, w.ID, model.AuditFilter{})
		wantKind(t, err, model.KindForbidden, "")
	})
}

func TestInvitationForSomeoneElse(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		owner, _ := a.Accounts.Setup(ctx, model.Actor{}, accountNew("owner@example.com"))
		other, _ := a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, accountNew("other@example.com"))
		w, _ := a.Workspaces.Create(ctx, actorOf(owner, "ip"), "Acme")
		inv, err := a.Workspaces.Invite(ctx, actorOf(owner, "ip"), w.ID, "invited@example.com", "editor")
		if err != nil {
			t.Fatal(err)
		}
		token := inv.Link[strings.LastIndex(inv.Link, "/")+1:]
		_, err = a.Workspaces.AcceptAsUser(ctx, actorOf(other, "ip"), token)
		wantKind(t, err, model.KindForbidden, "")
		if err := a.Workspaces.RevokeInvitation(ctx, actorOf(owner, "ip"), w.ID, inv.Invitation.ID); err != nil {
			t.Fatal(err)
		}
		_, err = a.Workspaces.LookupInvitation(ctx, token)
		wantKind(t, err, model.KindNotFound, "")
	})
}

func TestAPITokens(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		u, _ := a.Accounts.Setup(ctx, model.Actor{}, accountNew("o@example.com"))
		me := actorOf(u, "ip")
		_, _, err := a.Accounts.CreateToken(ctx, me, account.NewToken{Name: "x", Scopes: []string{"everything"}})
		wantKind(t, err, model.KindInvalid, "scopes")
		raw, tok, err := a.Accounts.CreateToken(ctx, me, account.NewToken{Name: "ci", Scopes: []string{"workspaces:read"}, ExpiresIn: time.Hour})
		if err != nil || !strings.HasPrefix(raw, account.TokenPrefix) {
			t.Fatal(err)
		}
		got, gt, err := a.Accounts.Authenticate(ctx, raw)
		if err != nil || got.ID != u.ID || gt.ID != tok.ID {
			t.Fatalf("authenticate: %v", err)
		}
		if err := a.Accounts.RevokeToken(ctx, me, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = a.Accounts.Authenticate(ctx, raw)
		wantKind(t, err, model.KindUnauthorized, "")
	})
}

// TestPendingTOTPShowsTheSameKey: reopening the set-up page shows the key
// that was generated, also for addresses that need escaping in a URL.
func TestPendingTOTPShowsTheSameKey(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, accountNew("o+2fa@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	enr, err := a.Accounts.BeginTOTP(ctx, actorOf(u, "ip"))
	if err != nil {
		t.Fatal(err)
	}
	again, ok, err := a.Accounts.PendingTOTP(ctx, actorOf(u, "ip"))
	if err != nil || !ok || again.Secret != enr.Secret || !strings.Contains(again.URL, "o%2B2fa%40example.com") && !strings.Contains(again.URL, "o+2fa@example.com") {
		t.Fatalf("pending: %+v %v %v (began %s)", again, ok, err, enr.Secret)
	}
}
