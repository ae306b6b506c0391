package api

// mediaRoutes are the media library endpoints (openapi/media.json).
func (s *server) mediaRoutes() []route {
	return nil
}
