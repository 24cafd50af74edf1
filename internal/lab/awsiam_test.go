//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/letsleep/letsleep/internal/labiam"
)

// The stand-ins authenticate each caller by its access key and authorise
// every call through the lab's own IAM, read from a real plan (the
// hot-assumes-db-role example: the hot role may assume a reporting role
// that reads the database secret). Real SDK clients, loopback only.
func TestStandInsAuthoriseThroughTheLabIAM(t *testing.T) {
	raw, err := os.ReadFile("../labiam/testdata/hot-assumes-db-role.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := labiam.Read(raw, labiam.Options{Region: labRegion, DefaultAccount: labAccount})
	if err != nil {
		t.Fatal(err)
	}
	const (
		hot     = "module.stack.module.hot.aws_lambda_function.this"
		egress  = "module.stack.module.egress.aws_lambda_function.this"
		warmup  = "module.stack.module.warmup.aws_lambda_function.this"
		control = "module.stack.module.control.aws_lambda_function.this"
	)
	s := &awsState{keys: map[string]string{hot: "AKIALABHOT", egress: "AKIALABEGRESS", warmup: "AKIALABWARMUP"}}
	var ran []string
	s.api = &awsAPI{region: labRegion, secrets: map[string]string{}, functions: map[string]string{"ctl": control},
		keys: map[string]string{}, parameters: map[string]labiam.Resource{}, functionARNs: map[string]string{},
		invoke: func(_ context.Context, fn string, _ []byte) (InvokeResult, error) {
			ran = append(ran, fn)
			return InvokeResult{Status: 200, Payload: json.RawMessage(`{}`)}, nil
		},
		dataAPI: func(context.Context, string) error {
			t.Error("the Data API ran for a caller without the grants")
			return nil
		}}
	s.withIAM(acct)
	srv := httptest.NewServer(s.api)
	defer srv.Close()
	ctx := context.Background()
	cfgFor := func(key string) aws.Config {
		return aws.Config{Region: labRegion, Credentials: credentials.NewStaticCredentialsProvider(key, "x", ""), BaseEndpoint: aws.String(srv.URL)}
	}
	dbSecret := acct.Attribute("module.stack.module.aurora.aws_rds_cluster.this", "master_user_secret.0.secret_arn")
	apiKey := acct.ARN("module.stack.module.egress.aws_secretsmanager_secret.api_key")
	read := func(cfg aws.Config, id string) error {
		_, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		return err
	}

	if err := read(cfgFor("AKIALABEGRESS"), apiKey); err != nil {
		t.Fatalf("egress reads its own key: %v", err)
	}
	wantCode(t, read(cfgFor("AKIALABEGRESS"), dbSecret), "AccessDeniedException")
	wantCode(t, read(cfgFor("AKIALABHOT"), dbSecret), "AccessDeniedException")
	wantCode(t, read(cfgFor("AKIANOBODY"), apiKey), "UnrecognizedClientException")

	// The hot role assumes the reporting role and reads the DB secret with
	// the session's credentials.
	var reporting string
	for _, r := range acct.Roles() {
		if r.Address == "aws_iam_role.reporting" {
			reporting = r.ARN
		}
	}
	out, err := sts.NewFromConfig(cfgFor("AKIALABHOT")).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(reporting), RoleSessionName: aws.String("t")})
	if err != nil {
		t.Fatalf("hot assumes reporting: %v", err)
	}
	session := cfgFor(aws.ToString(out.Credentials.AccessKeyId))
	if err := read(session, dbSecret); err != nil {
		t.Fatalf("the reporting session reads the DB secret: %v", err)
	}
	_, err = sts.NewFromConfig(cfgFor("AKIALABEGRESS")).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(reporting), RoleSessionName: aws.String("t")})
	wantCode(t, err, "AccessDenied")

	// Invoke: the warm-up may invoke control (a dry run runs nothing); hot may not.
	lc := func(key string) *lambda.Client { return lambda.NewFromConfig(cfgFor(key)) }
	if _, err := lc("AKIALABWARMUP").Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("ctl"), InvocationType: lambdatypes.InvocationTypeDryRun}); err != nil {
		t.Fatalf("warm-up dry-run invokes control: %v", err)
	}
	_, err = lc("AKIALABHOT").Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("ctl"), Payload: []byte(`{}`)})
	wantCode(t, err, "AccessDeniedException")
	if len(ran) != 0 {
		t.Fatalf("ran %v; a dry run and a denied call run nothing", ran)
	}

	// The Data API wants rds-data on the cluster: the hot role has none.
	_, err = rdsdata.NewFromConfig(cfgFor("AKIALABHOT")).ExecuteStatement(ctx, &rdsdata.ExecuteStatementInput{
		ResourceArn: aws.String(acct.ARN("module.stack.module.aurora.aws_rds_cluster.this")), SecretArn: aws.String(dbSecret), Sql: aws.String("SELECT 1")})
	wantCode(t, err, "AccessDeniedException")

	// Every call names its principal and decision, never a value.
	for _, c := range s.api.Calls() {
		b, _ := json.Marshal(c)
		if strings.Contains(string(b), labThrowaway) {
			t.Fatalf("a call record carries a value: %s", b)
		}
		if c.Status != 403 || c.Principal != "" {
			if c.Principal == "" || c.Decision == "" {
				t.Errorf("call without principal or decision: %s", b)
			}
		}
	}
}
