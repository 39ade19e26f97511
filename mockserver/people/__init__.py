"""Made-up people: who a device's user is, stable per device (fake_users), the slots that keep their
ids, mobiles, e-mails, openids and unionids unique (identities), and their pictures (avatars)."""
