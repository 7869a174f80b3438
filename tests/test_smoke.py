async def test_a_referral_reaches_the_receiver_and_the_channel(group, messenger):
    reply = await group("alice", "/referral @bob Jane Roe jane@roe.example -- new geyser")
    assert "Referral #1 to @bob is logged" in reply
    [dm] = messenger.dms_to("bob")
    assert "jane@roe.example" in dm.text
    [post] = messenger.posts()
    assert post.text == "@alice passed a referral to @bob."
