package message

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// Logs are kept apart from the cases and retention never reaches them, so
// they name no client: above debug, an address is written as Redact gives it,
// and the case number is the reference.

// Redact stands for an address in logs: "addr:" and the first 8 hex digits of
// the SHA-256 of the address in lower case. The same address always gives
// the same value, so one client's mail can be followed through a log that
// never names them.
func Redact(addr string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(addr))))
	return "addr:" + hex.EncodeToString(sum[:4])
}

// LogAddr is addr as log should write it: in full when log writes debug
// records, else Redact(addr). "" stays "".
func LogAddr(log *slog.Logger, addr string) string {
	if addr == "" || log.Enabled(context.Background(), slog.LevelDebug) {
		return addr
	}
	return Redact(addr)
}

// addrPattern finds addresses in free text such as an SMTP server's reply
// ("550 5.1.1 <jan@example.nl>: Recipient address rejected").
var addrPattern = regexp.MustCompile(`[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+`)

// RedactText replaces every address in s by its Redact, except those in one
// of the keep domains (the firm's own: directors stay readable).
func RedactText(s string, keep []string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return addrPattern.ReplaceAllStringFunc(s, func(addr string) string {
		if slices.ContainsFunc(keep, func(d string) bool { return strings.EqualFold(d, Domain(addr)) }) {
			return addr
		}
		return Redact(addr)
	})
}
