package api

// linkRoutes are the tracked-link and UTM preset endpoints (openapi/links.json).
func (s *server) linkRoutes() []route {
	return nil
}
