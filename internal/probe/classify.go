package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

// classifyNet maps a connect or lookup error to an outcome.
//
// Unreachable routes (ENETUNREACH, EHOSTUNREACH) and local firewall drops
// (EPERM, EACCES) are classified as timeout: in a VPC the same boundary
// (no route, a security group) shows up as a silent drop, so the lab and
// AWS produce the same matrix. The detail keeps the errno so a reader can
// tell them apart.
func classifyNet(err error, timeout time.Duration) (string, string) {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return OutcomeDNSError, dnsDetail(dnsErr)
	case isTimeout(err):
		return OutcomeTimeout, fmt.Sprintf("no answer within %dms", timeout.Milliseconds())
	case errors.Is(err, syscall.ECONNREFUSED):
		return OutcomeRefused, "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return OutcomeRefused, "connection reset"
	case errors.Is(err, syscall.ENETUNREACH):
		return OutcomeTimeout, "no route: network unreachable (ENETUNREACH)"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return OutcomeTimeout, "no route: host unreachable (EHOSTUNREACH)"
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return OutcomeTimeout, "dropped by local firewall (" + errnoName(err) + ")"
	case errors.Is(err, context.Canceled):
		return OutcomeError, "cancelled"
	}
	return OutcomeError, err.Error()
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func dnsDetail(e *net.DNSError) string {
	switch {
	case e.IsNotFound:
		return "no such host: " + e.Name
	case e.IsTimeout:
		return "dns lookup timed out: " + e.Name
	}
	return "dns lookup failed: " + e.Name + ": " + e.Err
}

func errnoName(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.EPERM:
			return "EPERM"
		case syscall.EACCES:
			return "EACCES"
		}
		return errno.Error()
	}
	return "unknown errno"
}

// tlsDetail says why a TLS handshake failed, or "" when err is not a TLS
// error by type.
func tlsDetail(err error) string {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		record    tls.RecordHeaderError
		alert     tls.AlertError
		echReject *tls.ECHRejectionError
	)
	switch {
	case errors.As(err, &unknownCA):
		return "certificate signed by unknown authority"
	case errors.As(err, &hostname):
		return "certificate not valid for " + hostname.Host
	case errors.As(err, &invalid):
		return "certificate invalid: " + invalid.Error()
	case errors.As(err, &verify):
		return "certificate verification failed"
	case errors.As(err, &record):
		return "server did not answer with TLS"
	case errors.As(err, &alert):
		return "TLS alert: " + alert.Error()
	case errors.As(err, &echReject):
		return "ECH rejected"
	}
	return ""
}
