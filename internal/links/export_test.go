package links

// CloseJournalForTest closes a service's journal without flushing it, as
// if its process had died.
func CloseJournalForTest(s *Service) { _ = s.journal.close() }
