package api

import "herald/internal/model"

// uploadCreate starts a resumable upload of a file of size bytes. The
// answer's Location is where the chunks go (PATCH) and where a client that
// lost its connection asks how far the upload got (GET).
func (s *server) uploadCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Filename string `json:"filename"`
		Size     *int64 `json:"size"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Size == nil {
		return reply{}, model.Invalid("size", "send the file's length in bytes")
	}
	u, err := s.d.Media.CreateUpload(c.ctx(), c.actor, ws, in.Filename, *in.Size)
	if err != nil {
		return reply{}, err
	}
	return created(c, u.ID, viewUpload(c, u, nil)), nil
}

// uploadPath reads the workspace and upload IDs from the path.
func uploadPath(c *call) (string, string, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return "", "", err
	}
	id, err := c.id("id", "upload")
	return ws, id, err
}
