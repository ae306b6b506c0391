package web

import (
	"html/template"
	"net/http"
	"strings"

	"herald/internal/account"
	"herald/internal/model"
)

// securityData is the security page: two-factor state, an enrolment in
// progress, recovery codes to show once, and the sessions list.
type securityData struct {
	TOTPEnabled   bool
	Enrollment    *account.TOTPEnrollment
	QR            template.URL // the enrolment's QR code as a data: URI
	CodesLeft     int
	RecoveryCodes []string // shown once, right after they were made
	Sessions      []model.Session
	CurrentID     string
}

// securityShow is the security page.
func (h *handler) securityShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderSecurity(w, r, v, http.StatusOK, &form{}, nil)
}

func (h *handler) renderSecurity(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, codes []string) {
	ctx := r.Context()
	// Reloaded rather than taken from the visit: a post that just turned
	// two-factor on or off renders this page in the same request.
	u, err := h.d.Accounts.User(ctx, v.user.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := securityData{TOTPEnabled: u.TOTPEnabled, RecoveryCodes: codes, CurrentID: v.sess.ID}
	if !u.TOTPEnabled {
		e, ok, err := h.d.Accounts.PendingTOTP(ctx, v.actor)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		if ok {
			d.Enrollment = &e
			// html/template refuses data: URIs unless told they are safe;
			// this one is a PNG the domain just encoded.
			if strings.HasPrefix(e.QRDataURI, "data:image/png;base64,") {
				d.QR = template.URL(e.QRDataURI)
			}
		}
	} else if d.CodesLeft, err = h.d.Accounts.RecoveryCodesLeft(ctx, v.actor); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if d.Sessions, err = h.d.Accounts.Sessions(ctx, v.actor); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.render(w, r, v, status, "security", &page{Title: "Security", Section: "security", Form: f, Data: d})
}
