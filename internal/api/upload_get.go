package api

// uploadGet answers how far a resumable upload got: the next chunk starts
// at offset (also sent as the Upload-Offset header).
func (s *server) uploadGet(c *call) (reply, error) {
	ws, id, err := uploadPath(c)
	if err != nil {
		return reply{}, err
	}
	u, err := s.d.Media.UploadState(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewUpload(c, u, nil)), nil
}
