package bluesky

import (
	"context"
	"net/url"
	"strings"
	"time"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/api/bsky"
	"github.com/bluesky-social/indigo/atproto/identity"
	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider"
)

var _ provider.PublicAccountReader = (*Provider)(nil)

// DefaultPublicAppView answers app.bsky.* reads without a session; Herald
// asks it for public profiles when the workspace has no Bluesky channel.
const DefaultPublicAppView = "https://public.api.bsky.app"

// Bounds of one read of a public account.
const (
	authorFeedPages = 5   // of 100 posts
	repoPostLimit   = 500 // post records read without an AppView
	repoCountLimit  = 1000
)

// noAppViewNote says why a read has fewer numbers than usual.
const noAppViewNote = "No AppView answered, so Herald read the account's repo: followers and the posts' likes, reposts, replies and quotes are not available."

// publicClient is the client for public reads: via's session through its
// PDS (which proxies app.bsky.* to its AppView), or the public AppView.
func (p *Provider) publicClient(via provider.Account) *session {
	if via.Credentials[CredAccessJWT] != "" && via.RemoteID != "" {
		if s, err := p.session(via, "read account"); err == nil {
			return s
		}
	}
	return p.client(p.opts.PublicAppView, "", "")
}

// actorOf reads what a user typed: @handle, handle, DID, or a profile URL
// (https://bsky.app/profile/<handle or DID>).
func actorOf(h string) (string, error) {
	h = strings.TrimSpace(h)
	if u, err := url.Parse(h); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		rest, ok := strings.CutPrefix(u.Path, "/profile/")
		if !ok {
			return "", provider.Errorf(provider.Permanent, Network, "look up account", nil, "%q is not a Bluesky profile address (https://bsky.app/profile/…)", h)
		}
		h, _, _ = strings.Cut(rest, "/")
	}
	h = strings.TrimPrefix(h, "@")
	if _, err := syntax.ParseAtIdentifier(h); err != nil || h == "" {
		return "", provider.Errorf(provider.Permanent, Network, "look up account", err, "%q is not a Bluesky handle or DID (for example alice.bsky.social)", h)
	}
	return strings.ToLower(h), nil
}

// LookupPublicAccount resolves a handle or DID to the account's DID,
// handle, display name and avatar: from the AppView's profile
// (app.bsky.actor.getProfile), or, on a PDS without an AppView, from
// com.atproto.identity.resolveHandle, describeRepo and the profile record.
func (p *Provider) LookupPublicAccount(ctx context.Context, via provider.Account, handle string) (provider.PublicAccount, error) {
	const op = "look up account"
	actor, err := actorOf(handle)
	if err != nil {
		return provider.PublicAccount{}, err
	}
	s := p.publicClient(via)
	// https://docs.bsky.app/docs/api/app-bsky-actor-get-profile
	prof, err := bsky.ActorGetProfile(ctx, s.xc, actor)
	if err == nil {
		return p.fromProfile(prof), nil
	}
	if !isNoAppView(err) {
		return provider.PublicAccount{}, notFoundOr(s, op, actor, err)
	}
	did := actor
	if !strings.HasPrefix(actor, "did:") {
		// https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle
		out, err := comatproto.IdentityResolveHandle(ctx, p.client(p.repoService(via), "", "").xc, actor)
		if err != nil {
			return provider.PublicAccount{}, notFoundOr(s, op, actor, err)
		}
		did = out.Did
	}
	a, err := p.repoProfile(ctx, via, did)
	if err != nil {
		return provider.PublicAccount{}, notFoundOr(s, op, actor, err)
	}
	return a, nil
}

// notFoundOr words "no such account" answers for the user and classifies
// the rest.
func notFoundOr(s *session, op, actor string, err error) error {
	_, code, msg := errorCode(err)
	if code == "InvalidRequest" && (strings.Contains(msg, "not found") || strings.Contains(msg, "Unable to resolve") || strings.Contains(msg, "Could not find")) ||
		code == "RepoNotFound" || code == "AccountNotFound" {
		return provider.Errorf(provider.Permanent, Network, op, err, "no Bluesky account %s was found", actor)
	}
	return s.classify(op, false, err)
}

func (p *Provider) fromProfile(prof *bsky.ActorDefs_ProfileViewDetailed) provider.PublicAccount {
	a := provider.PublicAccount{ID: prof.Did, Handle: "@" + prof.Handle, Network: Network, URL: p.opts.WebURL + "/profile/" + prof.Handle}
	if prof.DisplayName != nil {
		a.Name = *prof.DisplayName
	}
	if prof.Avatar != nil {
		a.Avatar = *prof.Avatar
	}
	return a
}

// repoService is the PDS asked when no AppView answers: via's, else the
// default service.
func (p *Provider) repoService(via provider.Account) string {
	if via.Settings[SettingService] != "" {
		return p.service(via)
	}
	return p.opts.DefaultService
}

// repoHost is the PDS that holds did's repo, from its DID document (PLC or
// did:web), or the repo service when the document cannot be read.
func (p *Provider) repoHost(ctx context.Context, via provider.Account, did string) *session {
	if d, err := syntax.ParseDID(did); err == nil {
		dir := identity.BaseDirectory{PLCURL: p.opts.PLC, HTTPClient: *p.opts.HTTPClient, UserAgent: p.opts.UserAgent}
		if doc, err := dir.ResolveDID(ctx, d); err == nil {
			ident := identity.ParseIdentity(doc)
			if pds := strings.TrimRight(ident.PDSEndpoint(), "/"); pds != "" {
				return p.client(pds, "", "")
			}
		}
	}
	return p.client(p.repoService(via), "", "")
}

// repoProfile reads an account from its repo: describeRepo for the handle
// and the app.bsky.actor.profile/self record for the name and avatar.
func (p *Provider) repoProfile(ctx context.Context, via provider.Account, did string) (provider.PublicAccount, error) {
	s := p.repoHost(ctx, via, did)
	// https://docs.bsky.app/docs/api/com-atproto-repo-describe-repo
	d, err := comatproto.RepoDescribeRepo(ctx, s.xc, did)
	if err != nil {
		return provider.PublicAccount{}, err
	}
	a := provider.PublicAccount{ID: d.Did, Handle: "@" + d.Handle, Network: Network, URL: p.opts.WebURL + "/profile/" + d.Handle}
	// https://docs.bsky.app/docs/api/com-atproto-repo-get-record
	if rec, err := comatproto.RepoGetRecord(ctx, s.xc, "", "app.bsky.actor.profile", d.Did, "self"); err == nil && rec.Value != nil {
		if prof, ok := rec.Value.Val.(*bsky.ActorProfile); ok {
			if prof.DisplayName != nil {
				a.Name = *prof.DisplayName
			}
			if prof.Avatar != nil {
				a.Avatar = s.xc.host + "/xrpc/com.atproto.sync.getBlob?" + url.Values{"did": {d.Did}, "cid": {prof.Avatar.Ref.String()}}.Encode()
			}
		}
	} else if err != nil && !isNotFound(err) {
		return provider.PublicAccount{}, err
	}
	return a, nil
}

// ReadPublicAccount reads a DID's counters and its posts since a time with
// their like, repost, reply and quote counts from the AppView
// (getProfile, getAuthorFeed without replies or reposts). On a PDS without
// an AppView it reads the repo instead: posts and follows are counted from
// its records, followers and the posts' counters are not available.
func (p *Provider) ReadPublicAccount(ctx context.Context, via provider.Account, id string, since time.Time) (provider.PublicRead, error) {
	const op = "read account"
	if _, err := syntax.ParseDID(id); err != nil {
		return provider.PublicRead{}, provider.Errorf(provider.Permanent, Network, op, err, "%q is not a DID", id)
	}
	s := p.publicClient(via)
	prof, err := bsky.ActorGetProfile(ctx, s.xc, id)
	if isNoAppView(err) {
		out, err := p.readRepo(ctx, via, id, since)
		if err != nil {
			return provider.PublicRead{}, notFoundOr(s, op, id, err)
		}
		return out, nil
	}
	if err != nil {
		return provider.PublicRead{}, notFoundOr(s, op, id, err)
	}
	out := provider.PublicRead{Account: p.fromProfile(prof), Source: "bluesky:getProfile+getAuthorFeed",
		Followers: publicCount(prof.FollowersCount), Following: publicCount(prof.FollowsCount), Posts: publicCount(prof.PostsCount)}
	cursor := ""
	for page := 0; page < authorFeedPages; page++ {
		// https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed
		res, err := bsky.FeedGetAuthorFeed(ctx, s.xc, id, cursor, "posts_no_replies", false, 100)
		if err != nil {
			return provider.PublicRead{}, s.classify(op, false, err)
		}
		older := false
		for _, item := range res.Feed {
			if item == nil || item.Post == nil || item.Reason != nil || item.Post.Author == nil || item.Post.Author.Did != id {
				continue // reposts of others' posts, pins
			}
			pp := p.feedPost(item.Post)
			if pp.CreatedAt.Before(since) {
				older = true
				continue
			}
			out.Recent = append(out.Recent, pp)
		}
		if older || res.Cursor == nil || *res.Cursor == "" || len(res.Feed) == 0 {
			break
		}
		cursor = *res.Cursor
	}
	return out, nil
}

func (p *Provider) feedPost(v *bsky.FeedDefs_PostView) provider.PublicPost {
	pp := provider.PublicPost{ID: v.Uri, CreatedAt: parseTime(v.IndexedAt), Likes: publicCount(v.LikeCount), Reposts: publicCount(v.RepostCount),
		Replies: publicCount(v.ReplyCount), Quotes: publicCount(v.QuoteCount)}
	if v.Record != nil {
		if rec, ok := v.Record.Val.(*bsky.FeedPost); ok {
			pp.Text, pp.CreatedAt = rec.Text, orTime(parseTime(rec.CreatedAt), pp.CreatedAt)
		}
	}
	if u, err := syntax.ParseATURI(v.Uri); err == nil {
		pp.URL = p.postURL(u.Authority().String(), u.RecordKey().String())
	}
	return pp
}

// publicCount is an AppView counter: absent is not available.
func publicCount(v *int64) provider.PublicCount {
	if v == nil {
		return provider.PublicCount{}
	}
	return provider.Known(*v)
}

// readRepo is ReadPublicAccount without an AppView.
func (p *Provider) readRepo(ctx context.Context, via provider.Account, did string, since time.Time) (provider.PublicRead, error) {
	a, err := p.repoProfile(ctx, via, did)
	if err != nil {
		return provider.PublicRead{}, err
	}
	s := p.repoHost(ctx, via, did)
	out := provider.PublicRead{Account: a, Source: "bluesky:repo", Notes: []string{noAppViewNote}}
	all, err := s.listRecords(ctx, did, collPost, repoCountLimit, time.Time{})
	if err != nil {
		return provider.PublicRead{}, err
	}
	if len(all) < repoCountLimit {
		out.Posts = provider.Known(int64(len(all)))
	}
	follows, err := s.listRecords(ctx, did, collFollow, repoCountLimit, time.Time{})
	if err != nil {
		return provider.PublicRead{}, err
	}
	if len(follows) < repoCountLimit {
		out.Following = provider.Known(int64(len(follows)))
	}
	for _, r := range all {
		post, ok := r.val.(*bsky.FeedPost)
		if !ok || post.Reply != nil || len(out.Recent) >= repoPostLimit {
			continue // replies are left out, as getAuthorFeed's posts_no_replies does
		}
		at := parseTime(post.CreatedAt)
		if at.Before(since) {
			continue
		}
		out.Recent = append(out.Recent, provider.PublicPost{ID: r.uri, Text: post.Text, CreatedAt: at, URL: p.postURL(did, r.rkey)})
	}
	return out, nil
}
