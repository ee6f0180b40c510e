package main

// Temporary: keeps the pinned dependencies in go.mod while the packages are written.
import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	_ "github.com/emersion/go-message/charset"
	_ "github.com/emersion/go-msgauth/authres"
	_ "github.com/emersion/go-smtp"
	_ "github.com/rickar/cal/v2/nl"
	_ "github.com/robfig/cron/v3"
	_ "github.com/wneessen/go-mail"
	_ "go.etcd.io/bbolt"
)

func main() {}
