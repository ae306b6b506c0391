package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// video is what Herald reads from an MP4 or QuickTime container.
type video struct {
	Width, Height int
	DurationMS    int64
	Codec         string
}

// Box walking limits: a hostile file cannot make the parser loop or recurse
// for long.
const (
	maxBoxes = 10000
	maxDepth = 8
)

// mp4Reader walks ISO base media boxes (ISO/IEC 14496-12) with ReadAt, so
// the moov box is found wherever it is (streaming files put it first,
// cameras last) without reading the media data.
type mp4Reader struct {
	r     io.ReaderAt
	boxes int
	v     video
	found bool // a video track was seen
}

// readMP4 returns the duration (from mvhd), the first video track's
// dimensions (tkhd) and codec (the sample entry in stsd).
func readMP4(r io.ReaderAt, size int64) (video, error) {
	m := &mp4Reader{r: r}
	if err := m.walk(0, size, 0); err != nil {
		return video{}, err
	}
	if !m.found {
		return video{}, errors.New("it has no video track")
	}
	return m.v, nil
}

// box reads the header of the box at off, returning its type, where its
// payload starts and where the box ends.
func (m *mp4Reader) box(off, end int64) (typ string, payload, next int64, err error) {
	var h [16]byte
	if _, err := m.r.ReadAt(h[:8], off); err != nil {
		return "", 0, 0, fmt.Errorf("box header at %d: %w", off, err)
	}
	size := int64(binary.BigEndian.Uint32(h[:4]))
	typ, payload = string(h[4:8]), off+8
	switch size {
	case 0: // extends to the end of the enclosing box
		size = end - off
	case 1: // 64-bit size follows
		if _, err := m.r.ReadAt(h[8:16], off+8); err != nil {
			return "", 0, 0, fmt.Errorf("box size at %d: %w", off, err)
		}
		size, payload = int64(binary.BigEndian.Uint64(h[8:16])), off+16
	}
	if size < payload-off || off+size > end || size < 0 {
		return "", 0, 0, fmt.Errorf("box %q at %d has a bad size", typ, off)
	}
	return typ, payload, off + size, nil
}

// walk visits the boxes between off and end. Each trak is read with a
// fresh state so one track's handler is not taken for another's.
func (m *mp4Reader) walk(off, end int64, depth int) error {
	if depth > maxDepth {
		return errors.New("boxes are nested too deeply")
	}
	for off < end {
		if m.boxes++; m.boxes > maxBoxes {
			return errors.New("too many boxes")
		}
		if end-off < 8 {
			break // padding at the end of a box
		}
		typ, payload, next, err := m.box(off, end)
		if err != nil {
			return err
		}
		switch typ {
		case "moov", "mdia", "minf", "stbl":
			if err := m.walk(payload, next, depth+1); err != nil {
				return err
			}
		case "trak":
			t := &mp4Reader{r: m.r, boxes: m.boxes}
			if err := t.walkTrack(payload, next, depth+1); err != nil {
				return err
			}
			m.boxes = t.boxes
			if t.found && !m.found {
				m.found, m.v.Width, m.v.Height, m.v.Codec = true, t.v.Width, t.v.Height, t.v.Codec
			}
		case "mvhd":
			if err := m.mvhd(payload, next); err != nil {
				return err
			}
		}
		off = next
	}
	return nil
}

// walkTrack reads one trak: its dimensions (tkhd), handler (hdlr: "vide"
// for video) and sample entry (stsd).
func (m *mp4Reader) walkTrack(off, end int64, depth int) error {
	var handler string
	var stack [][2]int64
	stack = append(stack, [2]int64{off, end})
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for o := cur[0]; o < cur[1] && cur[1]-o >= 8; {
			if m.boxes++; m.boxes > maxBoxes || len(stack) > maxDepth {
				return errors.New("too many boxes")
			}
			typ, payload, next, err := m.box(o, cur[1])
			if err != nil {
				return err
			}
			switch typ {
			case "mdia", "minf", "stbl":
				stack = append(stack, [2]int64{payload, next})
			case "tkhd":
				b, err := m.read(payload, next, 96)
				if err != nil {
					return fmt.Errorf("tkhd: %w", err)
				}
				at := 76 // version 0: dimensions are the last 8 bytes of 84
				if b[0] == 1 {
					at = 88
				}
				if len(b) < at+8 {
					return errors.New("tkhd is too short")
				}
				m.v.Width = int(binary.BigEndian.Uint32(b[at:]) >> 16)
				m.v.Height = int(binary.BigEndian.Uint32(b[at+4:]) >> 16)
			case "hdlr":
				b, err := m.read(payload, next, 12)
				if err != nil || len(b) < 12 {
					return errors.New("hdlr is too short")
				}
				handler = string(b[8:12])
			case "stsd":
				b, err := m.read(payload, next, 16)
				if err != nil || len(b) < 16 {
					return errors.New("stsd is too short")
				}
				m.v.Codec = codecName(string(b[12:16]))
			}
			o = next
		}
	}
	m.found = handler == "vide"
	return nil
}

// mvhd reads the movie's duration in its time scale.
func (m *mp4Reader) mvhd(off, end int64) error {
	b, err := m.read(off, end, 32)
	if err != nil || len(b) < 20 {
		return errors.New("mvhd is too short")
	}
	var scale, dur uint64
	if b[0] == 1 {
		if len(b) < 32 {
			return errors.New("mvhd is too short")
		}
		scale, dur = uint64(binary.BigEndian.Uint32(b[20:24])), binary.BigEndian.Uint64(b[24:32])
	} else {
		scale, dur = uint64(binary.BigEndian.Uint32(b[12:16])), uint64(binary.BigEndian.Uint32(b[16:20]))
	}
	if scale == 0 {
		return errors.New("mvhd has a zero time scale")
	}
	if dur != 0xffffffff && dur != 0xffffffffffffffff { // all ones: unknown
		m.v.DurationMS = int64(dur * 1000 / scale)
	}
	return nil
}

// read returns up to n bytes of a box's payload.
func (m *mp4Reader) read(off, end int64, n int) ([]byte, error) {
	n = int(min(int64(n), end-off))
	b := make([]byte, n)
	_, err := m.r.ReadAt(b, off)
	return b, err
}

// codecName maps a sample entry's four-character code to a common name.
func codecName(fourcc string) string {
	switch fourcc {
	case "avc1", "avc3":
		return "h264"
	case "hvc1", "hev1":
		return "hevc"
	case "av01":
		return "av1"
	case "vp09":
		return "vp9"
	case "mp4v":
		return "mpeg4"
	case "apch", "apcn", "apcs", "apco", "ap4h":
		return "prores"
	}
	return fourcc
}
