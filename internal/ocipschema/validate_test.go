package ocipschema

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const (
	head = `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" +
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">SID</sessionId>`
	tail = `</BroadsoftDocument>`
)

func doc(cmds ...string) []byte { return []byte(head + strings.Join(cmds, "") + tail) }

const (
	userAdd = `<command xmlns="" xsi:type="UserAddRequest22V2"><serviceProviderId>SP1</serviceProviderId><groupId>G1</groupId>` +
		`<userId>zoe@example.com</userId><lastName>Müller</lastName><firstName>Zoë</firstName>` +
		`<callingLineIdLastName>Müller</callingLineIdLastName><callingLineIdFirstName>Zoë</callingLineIdFirstName>` +
		`<phoneNumber>6172251563</phoneNumber><extension>1563</extension><password>s3cret!</password>` +
		`<department xsi:type="GroupDepartmentKey"><serviceProviderId>SP1</serviceProviderId><groupId>G1</groupId><name>Sales</name></department>` +
		`<timeZone>America/New_York</timeZone><emailAddress>zoe@example.com</emailAddress></command>`
	userModifyNil = `<command xmlns="" xsi:type="UserModifyRequest22"><userId>zoe@example.com</userId>` +
		`<phoneNumber xsi:nil="true"/><extension xsi:nil="true"/>` +
		`<department xsi:type="EnterpriseDepartmentKey" xsi:nil="true"/><emailAddress xsi:nil="true"/></command>`
	listInGroup = `<command xmlns="" xsi:type="UserGetListInGroupRequest"><serviceProviderId>SP1</serviceProviderId><GroupId>G1</GroupId>` +
		`<searchCriteriaUserFirstName><mode>Equal To</mode><value>John</value><isCaseInsensitive>false</isCaseInsensitive></searchCriteriaUserFirstName></command>`
)

func TestValidDocuments(t *testing.T) {
	s := Default(t)
	cases := map[string][]byte{
		// Byte-exact request from nigelm/broadworks_ocip tests (OCIP.md section 2).
		"authentication": []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">SID</sessionId><command xmlns="" xsi:type="AuthenticationRequest"><userId>admin</userId></command></BroadsoftDocument>`),
		"login14sp4":  doc(`<command xmlns="" xsi:type="LoginRequest14sp4"><userId>admin</userId><signedPassword>77e4a6de3a1e00be05e121cf0ebee860</signedPassword></command>`),
		"login22V5":   doc(`<command xmlns="" xsi:type="LoginRequest22V5"><userId>admin</userId><password>password</password></command>`),
		"user add":    doc(userAdd),
		"modify nils": doc(userModifyNil),
		"list":        doc(listInGroup),
		"three":       doc(userAdd, userModifyNil, listInGroup),
		"fifteen":     doc(strings.Repeat(listInGroup, 15)),
		"success": []byte(`<?xml version="1.0" encoding="UTF-8"?>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">SID</sessionId><command echo="" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/></BroadsoftDocument>`),
		// Captured ErrorResponse (cwmiller test-data/ErrorResponse.xml).
		"error":                            doc(`<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><summary>[Error 4152] Group not found: TEST:TEST</summary><summaryEnglish>[Error 4152] Group not found: TEST:TEST</summaryEnglish></command>`),
		"error with code and cdata detail": doc(`<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><errorCode>6004</errorCode><summary>[Error 6004] OCI XML Request validation error</summary><summaryEnglish>[Error 6004] OCI XML Request validation error</summaryEnglish><detail><![CDATA[Invalid xsi:type qname: 'LoginRequest']]></detail></command>`),
		"table": doc(`<command echo="" xsi:type="UserGetListInGroupResponse" xmlns=""><userTable><colHeading>User Id</colHeading><colHeading>Last Name</colHeading><colHeading>First Name</colHeading>` +
			`<row><col>zoe@example.com</col><col>Müller</col><col>Zoë</col></row><row><col>a@example.com</col><col/><col>A</col></row></userTable></command>`),
		"cf no answer": doc(`<command echo="" xsi:type="UserCallForwardingNoAnswerGetResponse13mp16" xmlns=""><isActive>true</isActive><forwardToPhoneNumber>+1-2125551234</forwardToPhoneNumber><numberOfRings>3</numberOfRings></command>`),
		"latin1 bytes": append(append([]byte(head+`<command xmlns="" xsi:type="UserModifyRequest22"><userId>z@example.com</userId><lastName>M`), 0xfc), []byte(`ller</lastName></command>`+tail)...),
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			if err := s.ValidateDocument(d); err != nil {
				t.Fatalf("valid document rejected: %v", err)
			}
		})
	}
}

func TestInvalidDocuments(t *testing.T) {
	s := Default(t)
	swap := strings.Replace(userAdd, `<userId>zoe@example.com</userId><lastName>Müller</lastName>`, `<lastName>Müller</lastName><userId>zoe@example.com</userId>`, 1)
	cases := []struct {
		name string
		doc  []byte
		rule string
		want string // substring of the message
	}{
		{"wrong order", doc(swap), RuleOrder, "command 1 (UserAddRequest22V2)"},
		{"missing required", doc(strings.Replace(userAdd, `<lastName>Müller</lastName>`, "", 1)), RuleRequired, "<lastName>"},
		{"missing required at end", doc(`<command xmlns="" xsi:type="UserDeleteRequest"></command>`), RuleRequired, "missing required element <userId>"},
		{"unknown element", doc(strings.Replace(userAdd, `<extension>1563</extension>`, `<extension>1563</extension><nickname>z</nickname>`, 1)), RuleUnknownElement, "<nickname>"},
		{"unknown command type", doc(`<command xmlns="" xsi:type="UserAddRequest99"><userId>x</userId></command>`), RuleUnknownType, "UserAddRequest99"},
		{"type not a command", doc(`<command xmlns="" xsi:type="GroupDepartmentKey"><serviceProviderId>a</serviceProviderId><groupId>b</groupId><name>c</name></command>`), RuleDerivation, "does not derive"},
		{"wrong department type", doc(strings.Replace(userAdd, `xsi:type="GroupDepartmentKey"`, `xsi:type="StreetAddress"`, 1)), RuleDerivation, "department"},
		{"abstract department", doc(strings.Replace(userAdd, ` xsi:type="GroupDepartmentKey"`, ``, 1)), RuleAbstract, "GroupDepartmentKey"},
		{"abstract nil without type", doc(`<command xmlns="" xsi:type="UserModifyRequest22"><userId>z@example.com</userId><department xsi:nil="true"/></command>`), RuleAbstract, "EnterpriseDepartmentKey"},
		{"nil on non-nillable", doc(`<command xmlns="" xsi:type="UserModifyRequest22"><userId>z@example.com</userId><lastName xsi:nil="true"/></command>`), RuleNil, "lastName"},
		{"nil with content", doc(`<command xmlns="" xsi:type="UserModifyRequest22"><userId>z@example.com</userId><phoneNumber xsi:nil="true">123</phoneNumber></command>`), RuleNil, "not empty"},
		{"sixteen commands", doc(strings.Repeat(listInGroup, 16)), RuleMaxOccurs, "maxOccurs is 15"},
		{"no command", doc(), RuleRequired, "<command>"},
		{"enumeration", doc(strings.Replace(listInGroup, "Equal To", "Begins With", 1)), RuleEnumeration, "Begins With"},
		{"maxLength", doc(strings.Replace(userAdd, `<groupId>G1</groupId>`, `<groupId>`+strings.Repeat("g", 31)+`</groupId>`, 1)), RuleLength, "maxLength 30"},
		{"minLength", doc(`<command xmlns="" xsi:type="UserDeleteRequest"><userId></userId></command>`), RuleLength, "minLength"},
		{"range", doc(strings.Replace(listInGroup, `<GroupId>G1</GroupId>`, `<GroupId>G1</GroupId><responseSizeLimit>0</responseSizeLimit>`, 1)), RuleRange, "minInclusive"},
		{"int enumeration", doc(`<command xmlns="" xsi:type="UserCallForwardingNoAnswerModifyRequest"><userId>z@example.com</userId><numberOfRings>21</numberOfRings></command>`), RuleEnumeration, "CallForwardingNoAnswerNumberOfRings"},
		{"int format", doc(`<command xmlns="" xsi:type="UserCallForwardingNoAnswerModifyRequest"><userId>z@example.com</userId><numberOfRings>three</numberOfRings></command>`), RuleFormat, "xs:int"},
		{"boolean", doc(strings.Replace(listInGroup, "<isCaseInsensitive>false", "<isCaseInsensitive>no", 1)), RuleFormat, "xs:boolean"},
		{"command without xmlns", doc(`<command xsi:type="UserDeleteRequest"><userId>x@example.com</userId></command>`), RuleNamespace, "xmlns"},
		{"child in namespace", doc(`<command xmlns="" xsi:type="UserDeleteRequest"><userId xmlns="C">x@example.com</userId></command>`), RuleNamespace, "userId"},
		{"missing protocol", []byte(`<BroadsoftDocument xmlns="C"><sessionId xmlns="">s</sessionId><command xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="UserDeleteRequest"><userId>x</userId></command></BroadsoftDocument>`), RuleAttribute, "protocol"},
		{"bad protocol", []byte(strings.Replace(string(doc(listInGroup)), `protocol="OCI"`, `protocol="SOAP"`, 1)), RuleEnumeration, "SOAP"},
		{"undeclared attribute", doc(`<command xmlns="" xsi:type="UserDeleteRequest" foo="bar"><userId>x</userId></command>`), RuleAttribute, "foo"},
		{"error without type", doc(`<command echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><summary>x</summary><summaryEnglish>x</summaryEnglish></command>`), RuleAttribute, "type"},
		{"text in complex", doc(`<command xmlns="" xsi:type="UserDeleteRequest">hello<userId>x</userId></command>`), RuleContent, "text"},
		{"element in simple", doc(`<command xmlns="" xsi:type="UserDeleteRequest"><userId><b>x</b></userId></command>`), RuleContent, "simple type"},
		{"wrong root", []byte(`<Document xmlns="C"/>`), RuleRoot, "BroadsoftDocument"},
		{"malformed", []byte(`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>`), RuleMalformed, ""},
		{"mismatched tags", []byte(`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">x</userId></BroadsoftDocument>`), RuleMalformed, ""},
		{"table row before heading", doc(`<command echo="" xsi:type="UserGetListInGroupResponse" xmlns=""><userTable><row><col>a</col></row><colHeading>User Id</colHeading></userTable></command>`), RuleOrder, "colHeading"},
		{"two sessions", []byte(strings.Replace(string(doc(listInGroup)), `<sessionId xmlns="">SID</sessionId>`, `<sessionId xmlns="">SID</sessionId><userId xmlns="">u</userId>`, 1)), RuleOrder, "userId"},
		{"second command bad", doc(listInGroup, `<command xmlns="" xsi:type="UserDeleteRequest"/>`), RuleRequired, "command 2 (UserDeleteRequest)"},
		{"fixed", doc(`<command echo="" xsi:type="UserIntegratedIMPGetResponse21sp1" xmlns=""><isActive>true</isActive><isAlternateImpId>false</isAlternateImpId></command>`), RuleFixed, "fixed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.ValidateDocument(c.doc)
			if err == nil {
				t.Fatal("invalid document accepted")
			}
			var ves ValidationErrors
			if !errors.As(err, &ves) {
				t.Fatalf("error %T is not ValidationErrors: %v", err, err)
			}
			if !ves.Has(c.rule) {
				t.Fatalf("want rule %s, got: %v", c.rule, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("message lacks %q: %v", c.want, err)
			}
			t.Log(err)
		})
	}
}

func TestValidateRequestResponse(t *testing.T) {
	s := Default(t)
	req := doc(listInGroup)
	resp := doc(`<command echo="" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/>`)
	if err := s.ValidateRequest(req); err != nil {
		t.Fatalf("request rejected: %v", err)
	}
	if err := s.ValidateResponse(resp); err != nil {
		t.Fatalf("response rejected: %v", err)
	}
	if err := s.ValidateRequest(resp); err == nil || !strings.Contains(err.Error(), "not a Request") {
		t.Fatalf("response accepted as request: %v", err)
	}
	if err := s.ValidateResponse(req); err == nil || !strings.Contains(err.Error(), "not a Response") {
		t.Fatalf("request accepted as response: %v", err)
	}
}

func TestFindSpecDir(t *testing.T) {
	dir, err := FindSpecDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(dir, "ocip-r25") {
		t.Fatalf("spec dir %s", dir)
	}
	if _, err := Load(t.TempDir()); err == nil {
		t.Fatal("Load of an empty directory succeeded")
	}
}

func FuzzValidateDocument(f *testing.F) {
	s, err := Shared()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(doc(userAdd))
	f.Add(doc(userModifyNil, listInGroup))
	f.Add([]byte(`<BroadsoftDocument protocol="OCI" xmlns="C"/>`))
	f.Add([]byte(fmt.Sprintf("%s%s", head, tail)))
	f.Fuzz(func(t *testing.T, d []byte) {
		err := s.ValidateDocument(d)
		var ves ValidationErrors
		if err != nil && (!errors.As(err, &ves) || len(ves) == 0) {
			t.Fatalf("error is not a non-empty ValidationErrors: %v", err)
		}
	})
}
