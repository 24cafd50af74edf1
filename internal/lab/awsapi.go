//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/letsleep/letsleep/internal/labiam"
)

// The AWS APIs the reference handlers call, as lab stand-ins: enough of each
// service's JSON protocol for the real aws-sdk-go-v2 clients of the deployed
// bootstraps, which reach them through the SDK's standard
// AWS_ENDPOINT_URL_<SERVICE> variables:
//
//   - DynamoDB GetItem and PutItem (awsJson1_0, X-Amz-Target DynamoDB_20120810.*);
//   - Secrets Manager GetSecretValue (awsJson1_1, X-Amz-Target secretsmanager.*);
//   - Lambda Invoke (restJson1, POST /2015-03-31/functions/NAME/invocations),
//     which invokes the named lab function as the Lambda service would.
//
// They are served on the internet service address (the AWS regional
// endpoints are public) and, through a relay, on the address of each VPC
// interface endpoint of their service, so a call gets through only where
// the plan's network lets it: from outside a VPC, through a NAT, or through
// the VPC's endpoint. A request must be SigV4-signed for the right service,
// and with the lab's IAM (awsiam.go) by a known access key and allowed by
// the lab's evaluator; STS, SSM and the Data API are served too. Neither secrets nor
// payloads are ever logged: a call is recorded by service, operation,
// caller and status only.
type awsAPI struct {
	region string
	// tables: name → partition key value → item in DynamoDB JSON. The
	// model does not carry key schemas: the lab's tables are keyed by
	// the string attribute "pk", the reference hot table's hash key.
	tables map[string]map[string]json.RawMessage
	// secrets: secret id (name or ARN) → value.
	secrets map[string]string
	// functions: function name or ARN → model address.
	functions map[string]string
	invoke    func(ctx context.Context, function string, payload []byte) (InvokeResult, error)
	// caller names the lab function behind a client address.
	caller func(remote string) string
	// iam authorises every call (awsiam.go); nil serves calls unauthorised.
	iam *labIAM
	// keys: access key id → the role ARN it signs as (a function's
	// runtime key, or an STS session's).
	keys map[string]string
	// parameters: SSM parameter name → parameter.
	parameters map[string]labiam.Resource
	// functionARNs: function model address → its ARN (the evaluator's).
	functionARNs map[string]string
	// dataAPI runs SELECT 1 through the lab's Data API on a cluster ARN.
	dataAPI func(ctx context.Context, clusterARN string) error

	mu    sync.Mutex
	calls []AWSCall
}

// tableKey is the partition key attribute of every lab table.
const tableKey = "pk"

// AWSCall is one call a stand-in answered (no payloads, no secrets).
type AWSCall struct {
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Caller    string `json:"caller"`
	Target    string `json:"target"` // table, secret id or function
	Status    int    `json:"status"`
	// Principal is the role the call was signed as (its access key's).
	Principal string `json:"principal,omitempty"`
	// Decision is the lab IAM's answer; Assumed what it rested on that
	// the plan does not show (empty: the plan alone decided it).
	Decision string   `json:"decision,omitempty"`
	Assumed  []string `json:"assumed,omitempty"`
}

// isAWSRequest tells an AWS API call from a request to the LLM stub that
// shares the internet service address.
func isAWSRequest(r *http.Request) bool {
	return r.Header.Get("X-Amz-Target") != "" || strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") ||
		strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ")
}

// scopeService is the service a SigV4 credential scope names.
func scopeService(r *http.Request) string {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	cred, _, _ = strings.Cut(cred, ",")
	return at(strings.Split(cred, "/"), 3)
}

func (a *awsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 6<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	call := AWSCall{Caller: a.callerOf(r.RemoteAddr)}
	defer func() { a.record(call) }()
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		service, op, _ := strings.Cut(target, ".")
		call.Operation = op
		switch service {
		case "DynamoDB_20120810":
			call.Service = "dynamodb"
		case "secretsmanager":
			call.Service = "secretsmanager"
		case "AmazonSSM":
			call.Service = "ssm"
		default:
			call.Service = service
			call.Status = jsonError(w, "1.0", http.StatusBadRequest, "UnknownOperationException", "the lab serves no "+service)
			return
		}
		if call.Status = a.checkSigned(w, r, call.Service); call.Status != 0 {
			return
		}
		if call.Principal, call.Status = a.principal(w, r, call.Service); call.Status != 0 {
			return
		}
		switch call.Service {
		case "dynamodb":
			// Not authorised: the lab's IAM covers the data paths
			// (secrets, parameters, the Data API, invoke, assume role).
			call.Target, call.Status = a.dynamo(w, op, body)
		case "ssm":
			a.ssm(w, &call, body)
		default:
			call.Target, call.Status = a.secretsManager(w, &call, op, body)
		}
		return
	}
	switch scopeService(r) {
	case "sts", "rds-data":
		call.Service = scopeService(r)
		if call.Status = a.checkSigned(w, r, call.Service); call.Status != 0 {
			return
		}
		if call.Principal, call.Status = a.principal(w, r, call.Service); call.Status != 0 {
			return
		}
		if call.Service == "sts" {
			a.sts(w, &call, body)
		} else {
			a.rdsData(w, r, &call, body)
		}
		return
	}
	call.Service, call.Operation = "lambda", "Invoke"
	if call.Status = a.checkSigned(w, r, "lambda"); call.Status != 0 {
		return
	}
	if call.Principal, call.Status = a.principal(w, r, "lambda"); call.Status != 0 {
		return
	}
	call.Target, call.Status = a.lambdaInvoke(w, r, &call, body)
}

func (a *awsAPI) callerOf(remote string) string {
	if a.caller != nil {
		if c := a.caller(remote); c != "" {
			return c
		}
	}
	host, _, _ := net.SplitHostPort(remote)
	return host
}

func (a *awsAPI) record(c AWSCall) {
	a.mu.Lock()
	a.calls = append(a.calls, c)
	a.mu.Unlock()
}

// Calls returns the calls answered so far.
func (a *awsAPI) Calls() []AWSCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]AWSCall(nil), a.calls...)
}

// checkSigned wants a SigV4 Authorization header scoped to the lab's region
// and to service (credential KEY/DATE/REGION/SERVICE/aws4_request): an SDK
// pointed at the wrong service or region fails here, as it would on AWS.
// The signature itself is not checked: the lab has no IAM. It returns 0
// when the request may proceed, else the status it answered.
func (a *awsAPI) checkSigned(w http.ResponseWriter, r *http.Request, service string) int {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") || !ok {
		return awsError(w, service, http.StatusForbidden, "MissingAuthenticationTokenException", "request is not SigV4-signed")
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[2] != a.region || parts[3] != service {
		return awsError(w, service, http.StatusForbidden, "InvalidSignatureException",
			fmt.Sprintf("credential scope names region %q service %q; want %s/%s", at(parts, 2), at(parts, 3), a.region, service))
	}
	return 0
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// awsError answers an error in the service's protocol.
func awsError(w http.ResponseWriter, service string, status int, code, msg string) int {
	switch service {
	case "dynamodb":
		return jsonError(w, "1.0", status, code, msg)
	case "secretsmanager", "ssm":
		return jsonError(w, "1.1", status, code, msg)
	}
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
	return status
}

func jsonError(w http.ResponseWriter, version string, status int, code, msg string) int {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
	return status
}

func jsonOK(w http.ResponseWriter, version string, v any) int {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	_ = json.NewEncoder(w).Encode(v)
	return http.StatusOK
}

// dynamo answers GetItem and PutItem on the lab's tables.
func (a *awsAPI) dynamo(w http.ResponseWriter, op string, body []byte) (string, int) {
	var in struct {
		TableName string                     `json:"TableName"`
		Key       map[string]json.RawMessage `json:"Key"`
		Item      map[string]json.RawMessage `json:"Item"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return "", jsonError(w, "1.0", http.StatusBadRequest, "SerializationException", "body is not JSON")
	}
	a.mu.Lock()
	table, ok := a.tables[in.TableName]
	a.mu.Unlock()
	if !ok {
		return in.TableName, jsonError(w, "1.0", http.StatusBadRequest, "ResourceNotFoundException", "Requested resource not found: Table: "+in.TableName+" not found")
	}
	switch op {
	case "GetItem":
		k, err := keyOf(in.Key, true)
		if err != nil {
			return in.TableName, jsonError(w, "1.0", http.StatusBadRequest, "ValidationException", err.Error())
		}
		a.mu.Lock()
		item, found := table[k]
		a.mu.Unlock()
		if !found {
			return in.TableName, jsonOK(w, "1.0", struct{}{})
		}
		return in.TableName, jsonOK(w, "1.0", map[string]json.RawMessage{"Item": item})
	case "PutItem":
		k, err := keyOf(in.Item, false)
		if err != nil {
			return in.TableName, jsonError(w, "1.0", http.StatusBadRequest, "ValidationException", err.Error())
		}
		raw, _ := json.Marshal(in.Item)
		a.mu.Lock()
		table[k] = raw
		a.mu.Unlock()
		return in.TableName, jsonOK(w, "1.0", struct{}{})
	}
	return in.TableName, jsonError(w, "1.0", http.StatusBadRequest, "UnknownOperationException", "the lab's DynamoDB answers GetItem and PutItem only, not "+op)
}

// keyOf reads the string partition key; a Key must hold nothing else.
func keyOf(attrs map[string]json.RawMessage, exact bool) (string, error) {
	var v struct {
		S *string `json:"S"`
	}
	if raw, ok := attrs[tableKey]; !ok || json.Unmarshal(raw, &v) != nil || v.S == nil || (exact && len(attrs) != 1) {
		return "", fmt.Errorf("The provided key element does not match the schema (the lab's tables are keyed by the string %q)", tableKey)
	}
	return *v.S, nil
}

// secretsManager answers GetSecretValue, authorised on the secret's ARN.
func (a *awsAPI) secretsManager(w http.ResponseWriter, call *AWSCall, op string, body []byte) (string, int) {
	if op != "GetSecretValue" {
		return "", jsonError(w, "1.1", http.StatusBadRequest, "UnknownOperationException", "the lab's Secrets Manager answers GetSecretValue only")
	}
	var in struct {
		SecretID string `json:"SecretId"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.SecretID == "" {
		return "", jsonError(w, "1.1", http.StatusBadRequest, "InvalidParameterException", "SecretId is required")
	}
	arn := a.secretARN(in.SecretID)
	if status := a.authorize(w, call, "secretsmanager", "secretsmanager:GetSecretValue", arn); status != 0 {
		return in.SecretID, status
	}
	v, ok := a.secretValue(in.SecretID)
	if !ok {
		return in.SecretID, jsonError(w, "1.1", http.StatusBadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
	}
	return in.SecretID, jsonOK(w, "1.1", map[string]any{"ARN": in.SecretID, "Name": in.SecretID, "SecretString": v,
		"VersionId": "lab", "VersionStages": []string{"AWSCURRENT"}, "CreatedDate": float64(time.Now().Unix())})
}

// lambdaInvoke runs a synchronous invocation of a lab function.
func (a *awsAPI) lambdaInvoke(w http.ResponseWriter, r *http.Request, call *AWSCall, payload []byte) (string, int) {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/2015-03-31/functions/")
	name, tail, _ := strings.Cut(rest, "/")
	name, _ = url.PathUnescape(name)
	if r.Method != http.MethodPost || tail != "invocations" {
		return name, awsError(w, "lambda", http.StatusNotFound, "UnknownOperationException", "the lab's Lambda answers Invoke only")
	}
	kind := r.Header.Get("X-Amz-Invocation-Type")
	if kind != "" && kind != "RequestResponse" && kind != "DryRun" {
		return name, awsError(w, "lambda", http.StatusBadRequest, "InvalidParameterValueException", "the lab invokes RequestResponse and DryRun only, not "+kind)
	}
	fn, ok := a.functions[functionName(name)]
	arn := a.functionARNs[fn]
	if arn == "" {
		arn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", a.region, a.account(), functionName(name))
	}
	if status := a.authorize(w, call, "lambda", "lambda:InvokeFunction", arn); status != 0 {
		return name, status
	}
	if !ok {
		return name, awsError(w, "lambda", http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name)
	}
	if kind == "DryRun" {
		// Permission checked, nothing runs.
		w.WriteHeader(http.StatusNoContent)
		return fn, http.StatusNoContent
	}
	res, err := a.invoke(r.Context(), fn, payload)
	if err != nil {
		return fn, awsError(w, "lambda", http.StatusBadGateway, "ServiceException", "invoke failed")
	}
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	w.Header().Set("Content-Type", "application/json")
	out := []byte(res.Payload)
	if res.FunctionError != "" {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		out, _ = json.Marshal(map[string]string{"errorMessage": res.FunctionError, "errorType": "Unhandled"})
	}
	if len(out) == 0 {
		out = []byte("null")
	}
	_, _ = w.Write(out)
	return fn, http.StatusOK
}

// functionName reduces a FunctionName (name, ARN or partial ARN, with or
// without a qualifier) to the function's name.
func functionName(s string) string {
	if i := strings.Index(s, "function:"); i >= 0 {
		s = s[i+len("function:"):]
	}
	name, _, _ := strings.Cut(s, ":")
	return name
}

// CallSummary renders calls as "service Operation ×N by caller (status)"
// lines, sorted, for reports.
func CallSummary(calls []AWSCall) []string {
	count := map[string]int{}
	for _, c := range calls {
		count[fmt.Sprintf("%s %s on %s by %s: %d", c.Service, c.Operation, c.Target, c.Caller, c.Status)]++
	}
	var out []string
	for k, n := range count {
		out = append(out, fmt.Sprintf("%s (×%d)", k, n))
	}
	sort.Strings(out)
	return out
}
