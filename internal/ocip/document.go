package ocip

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// MaxCommands is the most commands one BroadsoftDocument may carry (OCIMessage command maxOccurs).
const MaxCommands = 15

const (
	charsetLatin1 = "ISO-8859-1"
	charsetUTF8   = "UTF-8"
)

// buildDocument writes a request document. charset is ISO-8859-1 for the OCS socket (bytes encoded so,
// characters outside Latin-1 as character references) or UTF-8 for SOAP, where the document travels as
// the text of <in0> and the server reads it as a string.
func buildDocument(sessionID string, cmds []Request, charset string) ([]byte, error) {
	if len(cmds) == 0 || len(cmds) > MaxCommands {
		return nil, fmt.Errorf("ocip: a document carries 1 to %d commands, not %d", MaxCommands, len(cmds))
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="` + charset + `"?>` + "\n")
	b.WriteString(`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="` + nsXSI + `"><sessionId xmlns="">`)
	if err := xml.EscapeText(&b, []byte(sessionID)); err != nil {
		return nil, err
	}
	b.WriteString(`</sessionId>`)
	enc := xml.NewEncoder(&b)
	for _, c := range cmds {
		start := xml.StartElement{Name: xml.Name{Local: "command"}, Attr: []xml.Attr{
			{Name: xml.Name{Local: "xmlns"}, Value: ""},
			{Name: xml.Name{Local: "xsi:type"}, Value: c.OCIType()},
		}}
		if err := enc.EncodeElement(c, start); err != nil {
			return nil, fmt.Errorf("ocip: encode %s: %w", c.OCIType(), err)
		}
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	b.WriteString(`</BroadsoftDocument>`)
	if charset == charsetUTF8 {
		return b.Bytes(), nil
	}
	out, err := encoding.HTMLEscapeUnsupported(charmap.ISO8859_1.NewEncoder()).Bytes(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("ocip: encode document as ISO-8859-1: %w", err)
	}
	return out, nil
}

// charsetReader decodes the charsets a reply can declare.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1":
		return charmap.ISO8859_1.NewDecoder().Reader(input), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(input), nil
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", label)
}

// asUTF8Declared replaces the XML declaration of a document that is already a decoded string (the SOAP
// processOCIMessageReturn text) so that a declared ISO-8859-1 is not decoded a second time.
func asUTF8Declared(doc []byte) []byte {
	t := bytes.TrimLeft(doc, " \t\r\n\ufeff")
	if !bytes.HasPrefix(t, []byte("<?xml")) {
		return doc
	}
	end := bytes.Index(t, []byte("?>"))
	if end < 0 {
		return doc
	}
	return append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`), t[end+2:]...)
}

// errMalformedReply marks a reply that is not an OCI-P document.
var errMalformedReply = errors.New("ocip: malformed reply")

// parseReply decodes a reply document into its responses, typed by xsi:type.
func parseReply(doc []byte) ([]Response, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = charsetReader
	var resps []Response
	depth := 0
	sawRoot := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errMalformedReply, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				if t.Name.Local != "BroadsoftDocument" {
					return nil, fmt.Errorf("%w: root element <%s>", errMalformedReply, t.Name.Local)
				}
				sawRoot = true
				continue
			}
			if depth != 2 || t.Name.Local != "command" {
				continue // sessionId, trackingId...: skipped by the depth count
			}
			r, err := decodeCommand(d, t)
			if err != nil {
				return nil, fmt.Errorf("%w: command %d: %w", errMalformedReply, len(resps)+1, err)
			}
			resps = append(resps, r)
			depth--
		case xml.EndElement:
			depth--
		}
	}
	if !sawRoot {
		return nil, fmt.Errorf("%w: no BroadsoftDocument", errMalformedReply)
	}
	return resps, nil
}

func decodeCommand(d *xml.Decoder, start xml.StartElement) (Response, error) {
	t := xsiType(start)
	switch t {
	case "ErrorResponse":
		return decodeError(d, start)
	case "SuccessResponse":
		return &SuccessResponse{}, d.Skip()
	case "":
		return nil, errors.New("command without xsi:type")
	}
	if mk, ok := responseTypes[t]; ok {
		r := mk()
		if err := d.DecodeElement(r, &start); err != nil {
			return nil, fmt.Errorf("decode %s: %w", t, err)
		}
		return r, nil
	}
	var raw struct {
		Inner string `xml:",innerxml"`
	}
	if err := d.DecodeElement(&raw, &start); err != nil {
		return nil, err
	}
	return &RawResponse{Type: t, XML: raw.Inner}, nil
}
