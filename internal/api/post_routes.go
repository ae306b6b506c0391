package api

// postRoutes are the posts, ideas, pillars, templates, validation, import
// and export endpoints (openapi/posts.json).
func (s *server) postRoutes() []route {
	return nil
}
