package sandbox

import (
	"context"
	"strings"
	"testing"
	"time"
)

// FuzzOCIPDocument feeds arbitrary bytes to the OCI-P document handler of a logged-in TCP
// session (the store included): no panic, and every answer is a reply document that the R25
// schema accepts, with at most 15 commands. `go test` runs the seeds; fuzzing it is slow (about
// one input a second: the fuzzer instruments the SQLite engine too), FuzzOCIPParse is the fast
// target for the parsers:
// go test -run '^$' -fuzz FuzzOCIPDocument -fuzztime 60s ./internal/sandbox/
func FuzzOCIPDocument(f *testing.F) {
	head := `<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">fz</sessionId>`
	for _, body := range []string{
		cmd("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", "<phoneNumber>7205551250</phoneNumber><extension>1250</extension>")),
		cmd("UserGetRequest23V2", userIDBody(acmeUserID)),
		cmd("UserModifyRequest22", userIDBody(acmeUserID)+`<phoneNumber xsi:nil="true"/><address><city>Paris</city></address>`),
		cmd("UserGetListInGroupRequest", `<serviceProviderId>ent_acme</serviceProviderId><GroupId>grp_denver</GroupId>`+
			`<searchCriteriaDn><mode>Contains</mode><value>12</value><isCaseInsensitive>true</isCaseInsensitive></searchCriteriaDn>`),
		cmd("GroupDnActivateListRequest", `<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>`+
			`<dnRange><minPhoneNumber>7205551200</minPhoneNumber><maxPhoneNumber>7205551210</maxPhoneNumber></dnRange>`),
		cmd("UserCallForwardingNoAnswerModifyRequest", userIDBody(acmeUserID)+"<isActive>true</isActive><forwardToPhoneNumber>1299</forwardToPhoneNumber>"),
		cmd("Bogus", ""),
		"<command/>",
		strings.Repeat(cmd("UserDeleteRequest", userIDBody("x@y")), 16),
	} {
		f.Add([]byte(head + body + "</BroadsoftDocument>"))
	}
	f.Add([]byte("<BroadsoftDocument"))
	f.Add([]byte(`<?xml version="1.0" encoding="EBCDIC"?><a/>`))
	f.Add([]byte("\xff\xfe<x>"))

	s, err := New(Options{Seed: SeedDemo, Now: func() time.Time { return testClock }, JobTick: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	schema := r25Schema(f)
	ctx := context.Background()
	login := []byte(head + cmd("LoginRequest22V5", "<userId>"+DemoOCIPAdmin+"</userId><password>"+DemoOCIPPassword+"</password>") + "</BroadsoftDocument>")
	if reply, _ := s.ocipHandleDoc(ctx, "fuzz", login, true, false); !strings.Contains(reply, "LoginResponse22V5") {
		f.Fatalf("login: %s", reply)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		reply, notLoggedIn := s.ocipHandleDoc(ctx, "fuzz", doc, true, false)
		if notLoggedIn {
			t.Fatal("notLoggedIn on TCP")
		}
		out := toLatin1(xmlDeclLatin + "\n" + reply)
		if err := schema.ValidateResponse(out); err != nil {
			t.Fatalf("reply breaks the schema: %v\n%s", err, out)
		}
		root, err := parseXML(out, true)
		if err != nil {
			t.Fatalf("reply is not xml: %v", err)
		}
		if n := len(root.children("command")); n < 1 || n > 15 {
			t.Fatalf("%d answers", n)
		}
	})
}

// FuzzSOAPEnvelope: arbitrary SOAP bodies never panic, and a document found in one comes out as
// text (what the document handler then reads).
func FuzzSOAPEnvelope(f *testing.F) {
	f.Add([]byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>&lt;a/&gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`))
	f.Add([]byte(`<Envelope><Body><processOCIMessage><arg0 xsi:type="soapenc:string">x</arg0></processOCIMessage></Body></Envelope>`))
	f.Add([]byte(`<Envelope><Body><processOCIMessage><a/><b/></processOCIMessage></Body></Envelope>`))
	f.Add([]byte(`<Envelope>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		doc, err := soapDocument(body)
		if err == nil && strings.Contains(string(body), "processOCIMessage") == false {
			t.Fatalf("a document %q from a body without processOCIMessage", doc)
		}
	})
}

// FuzzOCIPParse: the XML reader and the document and command checks on arbitrary bytes, without
// the store: no panic; a document that passes has 1 to 15 commands and a session element, and
// every command either has a known type whose element checks pass or fail with [Error 6004].
// go test -run '^$' -fuzz FuzzOCIPParse -fuzztime 30s ./internal/sandbox/
func FuzzOCIPParse(f *testing.F) {
	head := `<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">fz</sessionId>`
	f.Add([]byte(head + cmd("UserAddRequest22V2", addUserBody(acmeUserID, "Zo\xeb", "L", "<address><city>x</city></address>")) + "</BroadsoftDocument>"))
	f.Add([]byte(head + cmd("UserModifyRequest22", userIDBody(acmeUserID)+`<extension xsi:nil="true"/>`) + "</BroadsoftDocument>"))
	f.Add([]byte(head + `<trackingId>t</trackingId>` + cmd("LoginRequest22V5", "<userId>a</userId><password>p</password>") + "</BroadsoftDocument>"))
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8"?><BroadsoftDocument protocol="NSOCI"><userId>u</userId><command/></BroadsoftDocument>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := parseXML(data, true)
		if err != nil {
			return
		}
		doc, err := parseOCIPDoc(root)
		if err != nil {
			if oe, ok := ocipFromAPI(err); !ok || oe.code != 6004 {
				t.Fatalf("document error %v is not [Error 6004]", err)
			}
			return
		}
		if len(doc.commands) < 1 || len(doc.commands) > 15 || doc.idName == "" {
			t.Fatalf("accepted a document with %d commands, session element %q", len(doc.commands), doc.idName)
		}
		for _, n := range doc.commands {
			c, ok := ocipCommands[n.attrs["xsi:type"]]
			if !ok {
				continue
			}
			if err := checkFields(n, c.fields); err != nil {
				if oe, ok := ocipFromAPI(err); !ok || oe.code != 6004 {
					t.Fatalf("field error %v is not [Error 6004]", err)
				}
			}
			_ = ocipAnswer(n.attrs["echo"], nil, errOCIPValidation("x")) // answers never panic on any echo
		}
	})
}
