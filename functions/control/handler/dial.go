package handler

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"
	"github.com/jackc/pgx/v5"
)

// DB names the database to reach.
type DB struct {
	Host, User, Name, Region string
	Port                     int
}

// IAMDialer connects with a short-lived IAM auth token (rds-db:connect), so
// the function holds no database password. The token is signed locally; it
// makes no AWS call. TLS is required by IAM auth.
func IAMDialer(db DB, creds aws.CredentialsProvider) Dialer {
	return func(ctx context.Context) (Conn, error) {
		endpoint := net.JoinHostPort(db.Host, strconv.Itoa(db.Port))
		token, err := auth.BuildAuthToken(ctx, endpoint, db.Region, db.User, creds)
		if err != nil {
			return nil, fmt.Errorf("build iam auth token: %w", err)
		}
		cfg, err := pgx.ParseConfig("")
		if err != nil {
			return nil, fmt.Errorf("pgx config: %w", err)
		}
		cfg.Host, cfg.Port, cfg.User, cfg.Database = db.Host, uint16(db.Port), db.User, db.Name
		cfg.Password = token
		cfg.TLSConfig = &tls.Config{ServerName: db.Host, MinVersion: tls.VersionTLS12}
		cfg.Fallbacks = nil
		return pgx.ConnectConfig(ctx, cfg)
	}
}

// PasswordDialer connects with a password (the lab's throwaway PostgreSQL).
func PasswordDialer(db DB, password string) Dialer {
	return func(ctx context.Context) (Conn, error) {
		cfg, err := pgx.ParseConfig("sslmode=disable")
		if err != nil {
			return nil, fmt.Errorf("pgx config: %w", err)
		}
		cfg.Host, cfg.Port, cfg.User, cfg.Database = db.Host, uint16(db.Port), db.User, db.Name
		cfg.Password = password
		return pgx.ConnectConfig(ctx, cfg)
	}
}
