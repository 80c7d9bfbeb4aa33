package acctest

import (
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocipschema"
)

func TestBroadWorksSOAPDocumentIsChecked(t *testing.T) {
	const inner = `<?xml version="1.0" encoding="UTF-8"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId><command xmlns="" xsi:type="UserGetRequest23V2"><userId>ada@x</userId></command></BroadsoftDocument>`
	esc := strings.NewReplacer("<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(inner)
	env := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>` +
		esc + `</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`
	doc := soapDocument([]byte(env), "processOCIMessage")
	if string(doc) != inner {
		t.Fatalf("document %q", doc)
	}
	schema := ocipschema.Default(t)
	if err := schema.ValidateRequest(doc); err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	bad := strings.Replace(inner, "<userId>ada@x</userId>", "<userID>ada@x</userID>", 1)
	if err := schema.ValidateRequest([]byte(bad)); err == nil {
		t.Fatal("a document with a wrong element passed the check")
	}
	if soapDocument([]byte(`<Envelope><Body><Fault><faultstring>x</faultstring></Fault></Body></Envelope>`), "processOCIMessageReturn") != nil {
		t.Fatal("a fault has no document")
	}
}
