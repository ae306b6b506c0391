package webhook

import (
	"strconv"
	"strings"
	"time"
)

// mac is the hex HMAC of one v1 value, for building rotation headers in
// tests; the scheme itself lives in platform/hooksig.
func mac(secret, ts string, body []byte) string {
	sec, _ := strconv.ParseInt(ts, 10, 64)
	_, v1, _ := strings.Cut(Sign(secret, time.Unix(sec, 0), body), ",v1=")
	return v1
}
