package acctest

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocipschema"
)

// OCI-P over SOAP, checked: BroadWorksConfig(OCIPOverSOAP) points the provider at a proxy in front
// of the sandbox's SOAP endpoint that checks every OCI-P document the provider sends
// (ValidateRequest) and every one the sandbox answers (ValidateResponse) against the R25 schema in
// api/specs/broadworks/ocip-r25, and fails the test on a mismatch (the error only: a document may
// carry a login).

// soapDocument is the escaped BroadsoftDocument inside a SOAP envelope: the text of the only child
// of processOCIMessage (a request) or of processOCIMessageReturn (an answer); nil when there is none
// (a SOAP Fault).
func soapDocument(body []byte, parent string) []byte {
	d := xml.NewDecoder(bytes.NewReader(body))
	depthIn := -1
	depth := 0
	var text bytes.Buffer
	for {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == parent && depthIn < 0 {
				depthIn = depth
			}
		case xml.EndElement:
			if depthIn >= 0 && depth == depthIn {
				b := bytes.TrimSpace(text.Bytes())
				if len(b) == 0 {
					return nil
				}
				return b
			}
			depth--
		case xml.CharData:
			if depthIn >= 0 && depth >= depthIn {
				text.Write(t)
			}
		}
	}
}

// ocipCheckingProxy starts (once per sandbox) the checking proxy and returns its SOAP URL.
func (s *Sandbox) ocipCheckingProxy() string {
	if v := s.proxyURL.Load(); v != nil {
		return *v
	}
	t := s.t
	schema := ocipschema.Default(t)
	target := s.OCIPSOAPURL()
	var checked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if doc := soapDocument(body, "processOCIMessage"); doc != nil {
			if err := schema.ValidateRequest(doc); err != nil {
				t.Errorf("OCI-P request against the R25 schema: %v", err)
			}
			checked.Add(1)
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if doc := soapDocument(answer, "processOCIMessageReturn"); doc != nil {
			if err := schema.ValidateResponse(doc); err != nil {
				t.Errorf("OCI-P answer against the R25 schema: %v", err)
			}
		}
		for k, vs := range resp.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(func() {
		srv.Close()
		if checked.Load() == 0 {
			t.Log("no OCI-P document went through the checking proxy")
		}
	})
	u := srv.URL + "/webservice/services/ProvisioningService"
	s.proxyURL.Store(&u)
	return u
}
