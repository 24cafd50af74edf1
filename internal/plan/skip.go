package plan

// skip passes over a value nothing reads. jsontext's SkipValue walks an
// object or array token by token, through the decoder's state machine for
// every name and value; ReadValue checks the same grammar (the same
// tokenizer, options and nesting limit) in one loop over the bytes. The
// unused parts of a plan (before, after_sensitive, the values of
// planned_values and of managed resources in prior_state) are most of its
// bytes. ReadValue holds the whole value in the decoder's buffer, so it is
// used for values inside a resource, which are small; a top-level member
// (relevant_attributes, outputs) is skipped token by token while
// streaming, so the buffer never grows to its size.
func (s *streamer) skip() error {
	_, err := s.dec.ReadValue()
	return err
}
