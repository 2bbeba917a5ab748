package hookd

import (
	"bytes"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
)

// The protocol's document convention from the plugin's side: a document arrives as JSON bytes; the
// reply is a JsonDocument left unset when the plugin changed nothing, or the whole document.

// inputDocument is a request document and its canonical encoding as received, taken before the
// handler runs because the handler may change the document in place.
type inputDocument struct {
	document  *Document
	canonical []byte
}

// decodeInput parses the document a hook may change. Empty bytes count as {} (a host may send
// nothing for an empty document); anything that is not a JSON object is refused, naming the field.
func decodeInput(field string, data []byte) (inputDocument, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	document, err := ParseDocument(data)
	if err != nil {
		return inputDocument{}, badRequest(field, err)
	}
	return inputDocument{document: document, canonical: document.Bytes()}, nil
}

// reply is the JsonDocument to answer with: the returned document, or when the handler returned
// nil the input as it may have changed in place; unset when that equals the input as received.
func (in inputDocument) reply(returned *Document) *hookdv1.JsonDocument {
	document := returned
	if document == nil {
		document = in.document
	}
	encoded := document.Bytes()
	if bytes.Equal(encoded, in.canonical) {
		return nil
	}
	return &hookdv1.JsonDocument{Json: encoded}
}

// decodeReadOnly parses read-only context (container, sandbox, image); {} when it is empty or not
// a JSON object, since the hook's own input is still valid without it.
func decodeReadOnly(data []byte) *Document {
	document, err := ParseDocument(data)
	if err != nil {
		return NewDocument()
	}
	return document
}
