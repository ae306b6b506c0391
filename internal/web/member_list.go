package web

import (
	"net/http"

	"herald/internal/model"
	"herald/internal/workspace"
)

// memberRow is one member with what the visitor may do to them.
type memberRow struct {
	model.Member
	Self          bool
	CanChangeRole bool
	CanRemove     bool
}

// membersData is the members page.
type membersData struct {
	Members     []memberRow
	Invitations []model.Invitation
	CanInvite   bool
	CanRevoke   bool
	Grantable   []model.Role
	DefaultRole model.Role
	Invited     *workspace.Invited // set right after an invitation without e-mail
	MailReady   bool
}

// memberList shows members (with role selects and remove buttons where the
// visitor's role allows), pending invitations and the invite form.
func (h *handler) memberList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderMembers(w, r, v, http.StatusOK, m, &form{}, nil)
}

func (h *handler) renderMembers(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form, invited *workspace.Invited) {
	ctx := r.Context()
	members, err := h.d.Workspaces.Members(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	invs, err := h.d.Workspaces.Invitations(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := membersData{Invitations: invs, Invited: invited, Grantable: grantable(m.Role), MailReady: h.d.Mail.Configured(ctx),
		CanInvite: model.Can(m.Role, model.ActMemberInvite) && !m.Workspace.Archived(),
		CanRevoke: model.Can(m.Role, model.ActInvitationRevoke)}
	d.DefaultRole = model.RoleViewer
	for _, g := range d.Grantable {
		if g == model.RoleEditor {
			d.DefaultRole = g
		}
	}
	for _, mem := range members {
		row := memberRow{Member: mem, Self: mem.UserID == v.user.ID}
		outranks := m.Role.AtLeast(mem.Role)
		row.CanChangeRole = model.Can(m.Role, model.ActMemberRole) && outranks
		row.CanRemove = row.Self || (model.Can(m.Role, model.ActMemberRemove) && outranks)
		d.Members = append(d.Members, row)
	}
	h.render(w, r, v, status, "members", &page{Title: "Members · " + m.Workspace.Name, Heading: "Members", Section: "members", WS: &m, Form: f, Data: d})
}
