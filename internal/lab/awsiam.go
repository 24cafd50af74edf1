//go:build linux

package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/letsleep/letsleep/internal/labiam"
)

// The stand-ins' IAM: every call is authenticated by its SigV4 access key
// (each function's runtime has its own, mapped to the function's execution
// role; an STS session's key maps to the assumed role) and authorised by
// the lab's own evaluator (internal/labiam, read from the plan, not from
// the checker's model) before it is served. Without an evaluator (a lab
// built from a model alone) calls are served unauthorised, as before, and
// the lab says so.

// labIAM is the stand-ins' view of the evaluator.
type labIAM struct {
	account *labiam.Account
}

// principal is the role ARN behind a request's access key; "" with the
// status it answered when the key is unknown.
func (a *awsAPI) principal(w http.ResponseWriter, r *http.Request, service string) (string, int) {
	if a.iam == nil {
		return "", 0
	}
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	key, _, _ := strings.Cut(cred, "/")
	a.mu.Lock()
	role := a.keys[key]
	a.mu.Unlock()
	if role == "" {
		if service == "sts" {
			return "", stsError(w, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		return "", awsError(w, service, http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	return role, 0
}

// authorize asks the evaluator; it returns 0 when the call may proceed,
// else the status it answered (AccessDenied in the service's protocol).
// The decision, with what it assumed, goes on the call record.
func (a *awsAPI) authorize(w http.ResponseWriter, call *AWSCall, service, action, resource string) int {
	if a.iam == nil {
		call.Decision = "not evaluated (the lab has no IAM for this stack)"
		return 0
	}
	d := a.iam.account.Decide(labiam.Request{Principal: call.Principal, Action: action, Resource: resource})
	call.record(action, resource, d)
	if d.Allowed() {
		return 0
	}
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", call.Principal, action, resource)
	if service == "sts" {
		return stsError(w, http.StatusForbidden, "AccessDenied", msg)
	}
	return awsError(w, service, http.StatusForbidden, "AccessDeniedException", msg)
}

// record keeps a decision on the call: the last one decides the call, and
// every assumption any of them made is kept.
func (c *AWSCall) record(action, resource string, d labiam.Decision) {
	c.Decision = fmt.Sprintf("%s on %s: %s", action, resource, d.Decision)
	c.Assumed = append(c.Assumed, d.Assumed...)
}

// newKey makes an access key id with the given prefix (AKIA for a
// function's long-term key, ASIA for a session).
func newKey(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + "LAB" + strings.ToUpper(hex.EncodeToString(b))[:13]
}

// sts answers AssumeRole and GetCallerIdentity (awsQuery: a form body, an
// XML answer).
func (a *awsAPI) sts(w http.ResponseWriter, call *AWSCall, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		call.Status = stsError(w, http.StatusBadRequest, "MalformedInput", "body is not a form")
		return
	}
	call.Operation = form.Get("Action")
	acct := a.account()
	switch call.Operation {
	case "GetCallerIdentity":
		arn := call.Principal
		if role := a.roleOf(call.Principal); role != nil {
			arn = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/lab", acct, role.Name)
		}
		call.Status = stsOK(w, "GetCallerIdentity", struct {
			Arn     string
			UserId  string
			Account string
		}{arn, "AROALAB:lab", acct})
	case "AssumeRole":
		target := form.Get("RoleArn")
		call.Target = target
		if a.iam == nil {
			call.Status = stsError(w, http.StatusForbidden, "AccessDenied", "the lab has no IAM for this stack: no role can be assumed")
			return
		}
		d := a.iam.account.AssumeRole(call.Principal, target)
		call.record("sts:AssumeRole", target, d)
		if !d.Allowed() {
			call.Status = stsError(w, http.StatusForbidden, "AccessDenied",
				fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", call.Principal, target))
			return
		}
		key := newKey("ASIA")
		a.mu.Lock()
		a.keys[key] = target
		a.mu.Unlock()
		session := form.Get("RoleSessionName")
		name := target[strings.LastIndex(target, "/")+1:]
		type creds struct {
			AccessKeyId, SecretAccessKey, SessionToken, Expiration string
		}
		type user struct{ AssumedRoleId, Arn string }
		call.Status = stsOK(w, "AssumeRole", struct {
			Credentials     creds
			AssumedRoleUser user
		}{creds{key, "lab-session-secret", "lab-session-token", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)},
			user{"AROALAB:" + session, fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", acct, name, session)}})
	default:
		call.Status = stsError(w, http.StatusBadRequest, "InvalidAction", "the lab's STS answers AssumeRole and GetCallerIdentity only")
	}
}

func (a *awsAPI) account() string {
	if a.iam != nil {
		return a.iam.account.ID
	}
	return labAccount
}

func (a *awsAPI) roleOf(arn string) *labiam.Role {
	if a.iam == nil {
		return nil
	}
	return a.iam.account.Role(arn)
}

func stsOK(w http.ResponseWriter, op string, result any) int {
	var b strings.Builder
	b.WriteString(`<` + op + `Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`)
	enc := xml.NewEncoder(&b)
	if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: op + "Result"}}); err != nil {
		return stsError(w, http.StatusInternalServerError, "InternalFailure", "encode")
	}
	_ = enc.Flush()
	b.WriteString(`<ResponseMetadata><RequestId>lab</RequestId></ResponseMetadata></` + op + `Response>`)
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(b.String()))
	return http.StatusOK
}

func stsError(w http.ResponseWriter, status int, code, msg string) int {
	type errResp struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Error   struct {
			Type    string
			Code    string
			Message string
		}
		RequestID string `xml:"RequestId"`
	}
	var e errResp
	e.Error.Type, e.Error.Code, e.Error.Message, e.RequestID = "Sender", code, msg, "lab"
	out, _ := xml.Marshal(e)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(out)
	return status
}

// ssm answers GetParameter (awsJson1_1, X-Amz-Target AmazonSSM.GetParameter)
// on the plan's parameters, each holding a throwaway value.
func (a *awsAPI) ssm(w http.ResponseWriter, call *AWSCall, body []byte) {
	if call.Operation != "GetParameter" {
		call.Status = jsonError(w, "1.1", http.StatusBadRequest, "UnknownOperationException", "the lab's SSM answers GetParameter only")
		return
	}
	var in struct {
		Name string `json:"Name"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Name == "" {
		call.Status = jsonError(w, "1.1", http.StatusBadRequest, "ValidationException", "Name is required")
		return
	}
	name := in.Name
	if i := strings.Index(name, ":parameter/"); strings.HasPrefix(name, "arn:") && i >= 0 {
		name = "/" + name[i+len(":parameter/"):]
	}
	p, ok := a.parameters[name]
	if !ok {
		p, ok = a.parameters["/"+name]
	}
	arn := p.ARN
	if !ok {
		arn = fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s", a.region, a.account(), strings.TrimPrefix(name, "/"))
	}
	call.Target = arn
	if call.Status = a.authorize(w, call, "ssm", "ssm:GetParameter", arn); call.Status != 0 {
		return
	}
	if !ok {
		call.Status = jsonError(w, "1.1", http.StatusBadRequest, "ParameterNotFound", "")
		return
	}
	call.Status = jsonOK(w, "1.1", map[string]any{"Parameter": map[string]any{"Name": p.Name, "Type": "SecureString",
		"Value": labThrowaway, "Version": 1, "ARN": arn, "DataType": "text"}})
}

// labThrowaway is the value of every secret and parameter of the plan in
// the lab: never a real one.
const labThrowaway = "lab-throwaway-value"

// rdsData answers ExecuteStatement (restJson1, POST /Execute) as the Data
// API does: the caller needs rds-data:ExecuteStatement on the cluster and
// secretsmanager:GetSecretValue on the secret it passes; the cluster's
// HTTP endpoint must be on; the statement then runs as a real session
// through the sentinel (SELECT 1: the records are not the point).
func (a *awsAPI) rdsData(w http.ResponseWriter, r *http.Request, call *AWSCall, body []byte) {
	call.Operation = "ExecuteStatement"
	var in struct {
		ResourceArn string `json:"resourceArn"`
		SecretArn   string `json:"secretArn"`
	}
	if r.URL.Path != "/Execute" || json.Unmarshal(body, &in) != nil || in.ResourceArn == "" || in.SecretArn == "" {
		call.Status = awsError(w, "rds-data", http.StatusBadRequest, "BadRequestException", "the lab's Data API answers ExecuteStatement with resourceArn and secretArn only")
		return
	}
	call.Target = in.ResourceArn
	if call.Status = a.authorize(w, call, "rds-data", "rds-data:ExecuteStatement", in.ResourceArn); call.Status != 0 {
		return
	}
	if call.Status = a.authorize(w, call, "rds-data", "secretsmanager:GetSecretValue", in.SecretArn); call.Status != 0 {
		return
	}
	if _, ok := a.secretValue(in.SecretArn); !ok {
		call.Status = awsError(w, "rds-data", http.StatusBadRequest, "BadRequestException", "Secrets Manager can't find the specified secret.")
		return
	}
	if a.dataAPI == nil {
		call.Status = awsError(w, "rds-data", http.StatusBadRequest, "BadRequestException", "the lab runs no Data API")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	if err := a.dataAPI(ctx, in.ResourceArn); err != nil {
		call.Status = awsError(w, "rds-data", http.StatusBadRequest, "BadRequestException", shortErr(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"numberOfRecordsUpdated":0,"records":[[{"longValue":1}]]}`))
	call.Status = http.StatusOK
}

// secretValue finds a secret by ARN, name or the ARN without its suffix.
func (a *awsAPI) secretValue(id string) (string, bool) {
	if v, ok := a.secrets[id]; ok {
		return v, true
	}
	for arn, v := range a.secrets {
		if i := strings.LastIndex(arn, "-"); strings.HasPrefix(arn, "arn:") && i > 0 && (arn[:i] == id || strings.HasSuffix(arn[:i], ":secret:"+id)) {
			return v, true
		}
	}
	return "", false
}

// secretARN is the full ARN of the secret id names, for authorisation: its
// own when the lab serves it, else the ARN the id spells.
func (a *awsAPI) secretARN(id string) string {
	if strings.HasPrefix(id, "arn:") {
		for arn := range a.secrets {
			if arn == id || (strings.HasPrefix(arn, id+"-") && len(arn) == len(id)+7) {
				return arn
			}
		}
		return id
	}
	for arn := range a.secrets {
		if i := strings.LastIndex(arn, "-"); strings.HasPrefix(arn, "arn:") && i > 0 && strings.HasSuffix(arn[:i], ":secret:"+id) {
			return arn
		}
	}
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s", a.region, a.account(), id)
}
