package channel_test

import (
	"herald/internal/account"
	"herald/internal/channel"
)

func testUser(email string) account.NewUser {
	return account.NewUser{Email: email, Name: "Owner", Password: "a long enough password"}
}

func channelSettings(name, tz string) channel.Settings {
	return channel.Settings{Name: name, TimeZone: tz}
}
