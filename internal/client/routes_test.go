package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRoutes pins every method to its wire contract (api/README.md): method, path, query and
// JSON body, and checks that the answer is decoded.
func TestRoutes(t *testing.T) {
	type seen struct {
		method, path, query, body string
		idempotencyKey            bool
	}
	var got seen
	var answerStatus int
	var answer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(b), r.Header.Get("Idempotency-Key") != ""}
		if answerStatus == http.StatusNoContent {
			w.WriteHeader(answerStatus)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(answerStatus)
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	yes := true

	tests := []struct {
		name   string
		status int
		answer string
		call   func() (any, error)
		want   seen
		check  func(v any) bool
	}{
		{"ListEnterprises", 200, `{"items":[{"id":"ent_acme","name":"Acme Corp"}]}`,
			func() (any, error) { return c.ListEnterprises(ctx) },
			seen{method: "GET", path: "/v1/enterprises"},
			func(v any) bool { return v.([]Enterprise)[0].Name == "Acme Corp" }},
		{"GetEnterprise", 200, `{"id":"ent_acme","name":"Acme Corp"}`,
			func() (any, error) { return c.GetEnterprise(ctx, "ent_acme") },
			seen{method: "GET", path: "/v1/enterprises/ent_acme"},
			func(v any) bool { return v.(*Enterprise).ID == "ent_acme" }},
		{"ListGroups", 200, `{"items":[{"id":"grp_denver","enterpriseId":"ent_acme","name":"Denver","timeZone":"America/Denver"}]}`,
			func() (any, error) { return c.ListGroups(ctx, "ent_acme") },
			seen{method: "GET", path: "/v1/enterprises/ent_acme/groups"},
			func(v any) bool { return v.([]Group)[0].TimeZone == "America/Denver" }},
		{"GetGroup", 200, `{"id":"grp_denver","enterpriseId":"ent_acme","name":"Denver","timeZone":"America/Denver"}`,
			func() (any, error) { return c.GetGroup(ctx, "grp_denver") },
			seen{method: "GET", path: "/v1/groups/grp_denver"},
			func(v any) bool { return v.(*Group).EnterpriseID == "ent_acme" }},
		{"CreateUser", 201, `{"id":"usr_1","callingLineIdFirstName":"Ada","etag":"\"1\"","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}`,
			func() (any, error) {
				return c.CreateUser(ctx, "ent_acme", UserInput{GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"})
			},
			seen{method: "POST", path: "/v1/enterprises/ent_acme/users", body: `{"groupId":"grp_denver","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`, idempotencyKey: true},
			func(v any) bool {
				u := v.(*User)
				return u.CallingLineIDFirstName == "Ada" && u.ETag == `"1"` && u.CreatedAt.Year() == 2025
			}},
		{"GetUser (escaped id)", 200, `{"id":"usr/1"}`,
			func() (any, error) { return c.GetUser(ctx, "usr/1") },
			seen{method: "GET", path: "/v1/users/usr%2F1"},
			func(v any) bool { return v.(*User).ID == "usr/1" }},
		{"UpdateUser", 200, `{"id":"usr_1","department":""}`,
			func() (any, error) {
				empty := ""
				return c.UpdateUser(ctx, "usr_1", UserPatch{Department: &empty}, WriteOptions{})
			},
			seen{method: "PATCH", path: "/v1/users/usr_1", body: `{"department":""}`},
			nil},
		{"DeleteUser", 204, ``,
			func() (any, error) { return nil, c.DeleteUser(ctx, "usr_1", WriteOptions{}) },
			seen{method: "DELETE", path: "/v1/users/usr_1"}, nil},
		{"ListUsers", 200, `{"items":[{"id":"usr_1"}]}`,
			func() (any, error) {
				return c.ListUsers(ctx, "ent_acme", UserFilter{GroupID: "grp_denver", Email: "A@example.com", Extension: "1200", PhoneNumber: "+17205551200", Max: 10})
			},
			seen{method: "GET", path: "/v1/enterprises/ent_acme/users", query: "email=A%40example.com&extension=1200&groupId=grp_denver&max=10&phoneNumber=%2B17205551200"},
			func(v any) bool { return len(v.([]User)) == 1 }},
		{"GetNumber", 200, `{"phoneNumber":"+17205551200","extension":"1200","numberState":"inactive","etag":"\"1\""}`,
			func() (any, error) { return c.GetNumber(ctx, "usr_1") },
			seen{method: "GET", path: "/v1/users/usr_1/number"},
			func(v any) bool { return v.(*Number).NumberState == "inactive" }},
		{"PutNumber", 200, `{"phoneNumber":"","extension":"1200","numberState":""}`,
			func() (any, error) { return c.PutNumber(ctx, "usr_1", NumberInput{Extension: "1200"}, WriteOptions{}) },
			seen{method: "PUT", path: "/v1/users/usr_1/number", body: `{"phoneNumber":"","extension":"1200"}`},
			func(v any) bool { return v.(*Number).Extension == "1200" }},
		{"DeleteNumber", 204, ``,
			func() (any, error) { return nil, c.DeleteNumber(ctx, "usr_1", WriteOptions{}) },
			seen{method: "DELETE", path: "/v1/users/usr_1/number"}, nil},
		{"ActivateNumber", 200, `{"phoneNumber":"+17205551200","numberState":"active"}`,
			func() (any, error) { return c.ActivateNumber(ctx, "usr_1", WriteOptions{}) },
			seen{method: "POST", path: "/v1/users/usr_1/number/activate", idempotencyKey: true},
			func(v any) bool { return v.(*Number).NumberState == "active" }},
		{"ListNumbers", 200, `{"items":[{"phoneNumber":"+17205551200","groupId":"grp_denver","state":"available","userId":""}]}`,
			func() (any, error) {
				return c.ListNumbers(ctx, "ent_acme", NumberFilter{Available: &yes, GroupID: "grp_denver"})
			},
			seen{method: "GET", path: "/v1/enterprises/ent_acme/numbers", query: "available=true&groupId=grp_denver"},
			func(v any) bool { return v.([]InventoryNumber)[0].State == "available" }},
		{"GetE911", 200, `{"address1":"1 Main St","normalized":{"address1":"1 MAIN ST"},"status":"valid"}`,
			func() (any, error) { return c.GetE911(ctx, "usr_1") },
			seen{method: "GET", path: "/v1/users/usr_1/e911"},
			func(v any) bool { return v.(*E911).Normalized.Address1 == "1 MAIN ST" }},
		{"PutE911", 200, `{"address1":"1 Main Street","status":"valid"}`,
			func() (any, error) {
				return c.PutE911(ctx, "usr_1", Address{Address1: "1 Main Street", City: "Denver", State: "CO", PostalCode: "80202", Country: "US"}, WriteOptions{})
			},
			seen{method: "PUT", path: "/v1/users/usr_1/e911", body: `{"address1":"1 Main Street","address2":"","city":"Denver","state":"CO","postalCode":"80202","country":"US"}`},
			nil},
		{"DeleteE911", 204, ``,
			func() (any, error) { return nil, c.DeleteE911(ctx, "usr_1", WriteOptions{}) },
			seen{method: "DELETE", path: "/v1/users/usr_1/e911"}, nil},
		{"GetIMP", 200, `{"enabled":true,"etag":"\"2\""}`,
			func() (any, error) { return c.GetIMP(ctx, "usr_1") },
			seen{method: "GET", path: "/v1/users/usr_1/services/integrated-imp"},
			func(v any) bool { return v.(*IMP).Enabled }},
		{"SetIMP", 200, `{"enabled":false}`,
			func() (any, error) { return c.SetIMP(ctx, "usr_1", false, WriteOptions{}) },
			seen{method: "PUT", path: "/v1/users/usr_1/services/integrated-imp", body: `{"enabled":false}`},
			nil},
		{"CreateActivation", 202, `{"status":"queued","jobId":"job_1"}`,
			func() (any, error) {
				return c.CreateActivation(ctx, "usr_1", ActivationInput{Package: "webex_suite", SendActivationEmail: true, EmailSubject: "Hi"}, WriteOptions{})
			},
			seen{method: "POST", path: "/v1/users/usr_1/activation", body: `{"package":"webex_suite","sendActivationEmail":true,"emailSubject":"Hi"}`, idempotencyKey: true},
			func(v any) bool { return v.(*JobRef).JobID == "job_1" }},
		{"GetActivation", 200, `{"status":"error","email":"a@example.com","package":"webex_calling","errorCode":"email_conflict","errorText":"x","updatedAt":"2025-01-01T00:00:00Z","jobId":"job_1"}`,
			func() (any, error) { return c.GetActivation(ctx, "usr_1") },
			seen{method: "GET", path: "/v1/users/usr_1/activation"},
			func(v any) bool { return v.(*Activation).ErrorCode == "email_conflict" }},
		{"UpdateActivationPackage", 200, `{"status":"provisioned","package":"webex_suite"}`,
			func() (any, error) { return c.UpdateActivationPackage(ctx, "usr_1", "webex_suite", WriteOptions{}) },
			seen{method: "PATCH", path: "/v1/users/usr_1/activation", body: `{"package":"webex_suite"}`},
			func(v any) bool { return v.(*Activation).Package == "webex_suite" }},
		{"RetryActivation", 202, `{"status":"queued","jobId":"job_2"}`,
			func() (any, error) { return c.RetryActivation(ctx, "usr_1", "", WriteOptions{}) },
			seen{method: "POST", path: "/v1/users/usr_1/activation/retry", body: `{"email":""}`, idempotencyKey: true},
			nil},
		{"RefreshActivation", 200, `{"status":"provisioned"}`,
			func() (any, error) { return c.RefreshActivation(ctx, "usr_1") },
			seen{method: "POST", path: "/v1/users/usr_1/activation/refresh", idempotencyKey: true},
			nil},
		{"DeleteActivation", 204, ``,
			func() (any, error) { return nil, c.DeleteActivation(ctx, "usr_1", WriteOptions{}) },
			seen{method: "DELETE", path: "/v1/users/usr_1/activation"}, nil},
		{"ListActivations", 200, `{"items":[{"userId":"usr_1","location":"Denver","serviceType":"Webex Calling"}]}`,
			func() (any, error) {
				return c.ListActivations(ctx, "ent_acme", ActivationFilter{Statuses: []string{"error", "queued"}, GroupID: "grp_denver", Search: "ada", ExcludeProvisioned: true, Sort: "-email", Max: 50})
			},
			seen{method: "GET", path: "/v1/enterprises/ent_acme/activations", query: "excludeProvisioned=true&groupId=grp_denver&max=50&search=ada&sort=-email&status=error&status=queued"},
			func(v any) bool { return v.([]ActivationRow)[0].Location == "Denver" }},
		{"ActivationsCSV", 200, "User ID,Group ID\r\nusr_1,grp_denver\r\n",
			func() (any, error) {
				return c.ActivationsCSV(ctx, "ent_acme", ActivationFilter{Statuses: []string{"error"}, Max: 50})
			},
			seen{method: "GET", path: "/v1/enterprises/ent_acme/activations.csv", query: "status=error"},
			func(v any) bool { return v.(string) == "User ID,Group ID\r\nusr_1,grp_denver\r\n" }},
		{"StartDirectorySync", 202, `{"status":"queued","jobId":"job_3"}`,
			func() (any, error) { return c.StartDirectorySync(ctx, "ent_acme") },
			seen{method: "POST", path: "/v1/enterprises/ent_acme/directory-sync", idempotencyKey: true},
			func(v any) bool { return v.(*JobRef).Status == "queued" }},
		{"GetDirectorySync", 200, `{"status":"never","lastJobId":"","lastCompletedAt":"","nextAllowedAt":"","errorCode":""}`,
			func() (any, error) { return c.GetDirectorySync(ctx, "ent_acme") },
			seen{method: "GET", path: "/v1/enterprises/ent_acme/directory-sync"},
			func(v any) bool { return v.(*DirectorySync).Status == "never" }},
		{"GetJob", 200, `{"id":"job_3","kind":"directory_sync","status":"succeeded","error":null,"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}`,
			func() (any, error) { return c.GetJob(ctx, "job_3") },
			seen{method: "GET", path: "/v1/jobs/job_3"},
			func(v any) bool { return v.(*Job).Terminal() && v.(*Job).Error == nil }},
		{"SetVoicemailPasscode", 204, ``,
			func() (any, error) { return nil, c.SetVoicemailPasscode(ctx, "usr_1", "740261") },
			seen{method: "PUT", path: "/v1/users/usr_1/voicemail/passcode", body: `{"passcode":"740261"}`}, nil},
		{"SetPortalPassword", 204, ``,
			func() (any, error) { return nil, c.SetPortalPassword(ctx, "usr_1", "Xy1!abc") },
			seen{method: "PUT", path: "/v1/users/usr_1/portal-password", body: `{"password":"Xy1!abc"}`}, nil},
		{"GetPasscodeRules", 200, `{"minLength":6,"maxLength":10,"maxRepeatedDigits":5,"maxSequenceLength":4,"blockUserNumber":true,"blockReversedUserNumber":true,"blockPrevious":true,"blockPreviousReversed":true,"passwordMinLength":6}`,
			func() (any, error) { return c.GetPasscodeRules(ctx, "ent_acme") },
			seen{method: "GET", path: "/v1/enterprises/ent_acme/passcode-rules"},
			func(v any) bool {
				r := v.(*PasscodeRules)
				return r.MaxLength == 10 && r.BlockPreviousReversed && r.PasswordMinLength == 6
			}},
		{"GetCallForwarding", 200, `{"always":{"enabled":true,"destination":"+17205550000"},"busy":{"enabled":false,"destination":""},"noAnswer":{"enabled":false,"destination":"","rings":3},"etag":"\"1\""}`,
			func() (any, error) { return c.GetCallForwarding(ctx, "usr_1") },
			seen{method: "GET", path: "/v1/users/usr_1/call-forwarding"},
			func(v any) bool {
				f := v.(*CallForwarding)
				return f.Always.Enabled && f.NoAnswer.Rings == 3 && f.ETag == `"1"`
			}},
		{"PutCallForwarding", 200, `{"always":{"enabled":false,"destination":""},"busy":{"enabled":false,"destination":""},"noAnswer":{"enabled":true,"destination":"+17205550000","rings":4},"etag":"\"2\""}`,
			func() (any, error) {
				return c.PutCallForwarding(ctx, "usr_1", CallForwarding{NoAnswer: NoAnswerForward{Enabled: true, Destination: "+17205550000", Rings: 4}, ETag: `"9"`}, WriteOptions{IfMatch: `"1"`})
			},
			seen{method: "PUT", path: "/v1/users/usr_1/call-forwarding", body: `{"always":{"enabled":false,"destination":""},"busy":{"enabled":false,"destination":""},"noAnswer":{"enabled":true,"destination":"+17205550000","rings":4}}`},
			nil},
		{"DeleteCallForwarding", 204, ``,
			func() (any, error) { return nil, c.DeleteCallForwarding(ctx, "usr_1", WriteOptions{}) },
			seen{method: "DELETE", path: "/v1/users/usr_1/call-forwarding"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, answerStatus, answer = seen{}, tt.status, tt.answer
			v, err := tt.call()
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if got.body != "" && tt.want.body != "" {
				var a, b any
				_ = json.Unmarshal([]byte(got.body), &a)
				_ = json.Unmarshal([]byte(tt.want.body), &b)
				if !jsonEqual(a, b) {
					t.Errorf("body = %s, want %s", got.body, tt.want.body)
				}
				got.body = tt.want.body
			}
			if got != tt.want {
				t.Errorf("request = %+v, want %+v", got, tt.want)
			}
			if tt.check != nil && !tt.check(v) {
				t.Errorf("answer not decoded: %+v", v)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
