package metrics

// StopRebuildsAfter returns a copy of s whose rebuild runs stop after n
// batches, as if interrupted.
func StopRebuildsAfter(s *Service, n int) *Service {
	c := *s
	c.maxBatches = n
	return &c
}
