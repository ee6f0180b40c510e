package message

import (
	"errors"
	"strings"
)

// AttachmentData is one attachment of a message with its content.
type AttachmentData struct {
	Filename    string // as Parse records it: decoded, directory part dropped; may be ""
	ContentType string
	Data        []byte // transfer encoding undone, charset untouched: the file as attached
}

// ExtractAttachments returns the attachments of a raw message, in order,
// exactly those Parse lists (same walker, same lenient rules). When the
// body is broken it returns what it could read together with an error that
// lists the problems found in it.
func ExtractAttachments(raw []byte) ([]AttachmentData, error) {
	p := &parser{m: &Message{}, keepData: true}
	p.run(raw)
	out := make([]AttachmentData, len(p.m.Attachments))
	for i, a := range p.m.Attachments {
		out[i] = AttachmentData{Filename: a.Filename, ContentType: a.ContentType, Data: p.data[i]}
	}
	if problems := p.m.Problems[min(p.bodyFrom, len(p.m.Problems)):]; len(problems) > 0 {
		return out, errors.New(strings.Join(problems, "; "))
	}
	return out, nil
}
