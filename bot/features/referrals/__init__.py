"""The referral loop: /referral, /lead, /referrals and /thanks (commands, handlers, wording, specs)."""
