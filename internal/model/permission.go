package model

// Action is something a member may or may not do inside a workspace.
type Action string

// The workspace actions that exist today. Each new feature adds its actions
// here and a row to Permissions; docs/PERMISSIONS.md mirrors this table and a
// test keeps the two in step.
const (
	ActWorkspaceView    Action = "workspace.view"
	ActWorkspaceRename  Action = "workspace.rename"
	ActWorkspaceArchive Action = "workspace.archive"
	ActMemberView       Action = "member.view"
	ActMemberInvite     Action = "member.invite"
	ActMemberRole       Action = "member.role"
	ActMemberRemove     Action = "member.remove"
	ActInvitationRevoke Action = "invitation.revoke"
	ActAuditView        Action = "audit.view"
	ActChannelView      Action = "channel.view"
	ActChannelManage    Action = "channel.manage"
	ActChannelApps      Action = "channel.apps"
	ActPostView         Action = "post.view"
	ActPostEdit         Action = "post.edit"
	ActPostDelete       Action = "post.delete"
	ActComposeSettings  Action = "compose.settings"
	ActMediaEdit        Action = "media.edit"
	ActMediaDelete      Action = "media.delete"
	ActLinkView         Action = "link.view"
	ActLinkManage       Action = "link.manage"
	ActConversionManage Action = "conversion.manage"
	ActPostSchedule     Action = "post.schedule"
	ActPublishPause     Action = "publish.pause"
	ActSlotsManage      Action = "slots.manage"
	ActCalendarEdit     Action = "calendar.edit"
	ActCalendarShare    Action = "calendar.share"
	ActApprovalSetup    Action = "approval.setup"
	ActPostSubmit       Action = "post.submit"
	ActPostApprove      Action = "post.approve"
	ActPostComment      Action = "post.comment"
	ActBoardEdit        Action = "board.edit"
	ActBoardColumns     Action = "board.columns"
	ActInboxView        Action = "inbox.view"
	ActInboxReply       Action = "inbox.reply"
	ActInboxManage      Action = "inbox.manage"
	ActInboxApprove     Action = "inbox.approve"
	ActInboxSettings    Action = "inbox.settings"
	ActContactPrivacy   Action = "contact.privacy"
	ActInboxRules       Action = "inbox.rules"
	ActCompetitorManage Action = "competitor.manage"
	ActReportView       Action = "report.view"
	ActReportManage     Action = "report.manage"
)

// ActionInfo describes an action for documentation and UI help.
type ActionInfo struct {
	Action      Action
	Description string
	Roles       []Role
}

var all = []Role{RoleOwner, RoleAdmin, RoleManager, RoleEditor, RoleContributor, RoleAnalyst, RoleViewer}

// Permissions is the one table that says which role may do what. It is
// enforced only through Can.
var Permissions = []ActionInfo{
	{ActWorkspaceView, "See the workspace and its pages", all},
	{ActWorkspaceRename, "Rename the workspace and change its settings", []Role{RoleOwner, RoleAdmin}},
	{ActWorkspaceArchive, "Archive or restore the workspace", []Role{RoleOwner}},
	{ActMemberView, "See members and pending invitations", all},
	{ActMemberInvite, "Invite people (with a role no higher than one's own; managers up to Editor)", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActMemberRole, "Change a member's role (never above one's own; only owners change owners)", []Role{RoleOwner, RoleAdmin}},
	{ActMemberRemove, "Remove a member (only owners remove owners; the last owner stays)", []Role{RoleOwner, RoleAdmin}},
	{ActInvitationRevoke, "Revoke a pending invitation", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActAuditView, "Read the workspace audit log", []Role{RoleOwner, RoleAdmin}},
	{ActChannelView, "See connected channels, their health and test a connection", all},
	{ActChannelManage, "Connect, reconnect, disconnect channels and change their settings", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActChannelApps, "Enter the workspace's own network app credentials (OAuth client ID and secret)", []Role{RoleOwner, RoleAdmin}},
	{ActPostView, "See posts, drafts, ideas, version history and the media library", all},
	{ActPostEdit, "Write and edit posts, drafts and ideas, import posts from CSV", writers},
	{ActPostDelete, "Delete posts and ideas", []Role{RoleOwner, RoleAdmin, RoleManager, RoleEditor}},
	{ActComposeSettings, "Manage content pillars, templates, hashtag groups and UTM presets", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActMediaEdit, "Upload media and edit alt text, tags, folders and rights", writers},
	{ActMediaDelete, "Delete media from the library", []Role{RoleOwner, RoleAdmin, RoleManager, RoleEditor}},
	{ActLinkView, "See tracked links and their click statistics", all},
	{ActLinkManage, "Create, edit and delete tracked links", writers},
	{ActConversionManage, "Set up conversion tracking: turn it on, the attribution window, allowed websites, and make or rotate the signing secret", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActPostSchedule, "Schedule, publish now, queue, cancel and retry posts", []Role{RoleOwner, RoleAdmin, RoleManager, RoleEditor}},
	{ActPublishPause, "Pause and resume publishing for the workspace or a channel", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActSlotsManage, "Change a channel's weekly posting slots", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActCalendarEdit, "Add, change and remove calendar notes, events, holidays and launch dates", writers},
	{ActCalendarShare, "Make and revoke read-only calendar links for people without an account (clients)", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActApprovalSetup, "Set up approval workflows: whose posts need approval and who approves in each step", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActPostSubmit, "Send posts for approval and invite or revoke external reviewers' links", writers},
	{ActPostApprove, "Approve, reject or send back a post when named in its current approval step (never one's own post)", all},
	{ActPostComment, "Comment on posts and @mention members", all},
	{ActBoardEdit, "Add, change, move and remove production board cards and their checklists", writers},
	{ActBoardColumns, "Configure the production board's columns", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActInboxView, "Read the inbox: conversations, messages (with what rules did to them), contacts and the team report", all},
	{ActInboxReply, "Reply and react as a channel, use saved replies", writers},
	{ActInboxManage, "Assign, tag, snooze, mark done, hide or delete messages, write notes, edit contacts and saved replies", writers},
	{ActInboxApprove, "Approve or reject replies that wait for approval", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActInboxSettings, "Set business hours, service levels and which roles' replies need approval", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActContactPrivacy, "Export everything held about a contact, and erase it (GDPR)", []Role{RoleOwner, RoleAdmin}},
	{ActInboxRules, "Create, change, reorder, delete and dry-run inbox rules; read the log of their automatic actions and undo them", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActCompetitorManage, "Follow and unfollow competitors' public accounts and refresh their numbers now (everyone who sees analytics sees the comparison)", []Role{RoleOwner, RoleAdmin, RoleManager}},
	{ActReportView, "Download analytics reports as PDF", all},
	{ActReportManage, "Set report branding, schedule e-mailed reports and make or revoke read-only report links", []Role{RoleOwner, RoleAdmin, RoleManager}},
}

// writers are the roles that create content.
var writers = []Role{RoleOwner, RoleAdmin, RoleManager, RoleEditor, RoleContributor}

var permIndex = func() map[Action]map[Role]bool {
	m := make(map[Action]map[Role]bool, len(Permissions))
	for _, p := range Permissions {
		m[p.Action] = make(map[Role]bool, len(p.Roles))
		for _, r := range p.Roles {
			m[p.Action][r] = true
		}
	}
	return m
}()

// Can reports whether role may perform action. Unknown actions are denied.
func Can(role Role, action Action) bool { return permIndex[action][role] }

// MaxGrantable is the highest role that a member with role r may give to
// someone else when inviting or changing roles.
func MaxGrantable(r Role) Role {
	if r == RoleManager {
		return RoleEditor
	}
	return r
}
