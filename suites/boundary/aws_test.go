package boundary_test

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
)

// awsCredentials reports whether the environment names AWS credentials.
func awsCredentials() bool {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		if os.Getenv(k) != "" && os.Getenv(k) != "offline-fake" {
			return true
		}
	}
	return false
}

var _ = Describe("boundary on AWS", Label("aws"), Ordered, func() {
	BeforeAll(func() {
		if !awsCredentials() {
			Skip("AWS SPECS SKIPPED: no AWS credentials in the environment (AWS_PROFILE or AWS_ACCESS_KEY_ID)")
		}
		Skip("AWS SPECS SKIPPED: the aws backend (internal/awsbackend) does not expose a constructor yet")
	})

	It("runs the boundary matrix against the deployed probe twins", func() {})
})
