"""The api-password command: turn the Google Reader API on (a user name and password for apps) or off."""

from __future__ import annotations

import sys

import click


@click.command("api-password")
@click.option("--user", default="blogreader", show_default=True,
              help="The user name apps log in with (letters, digits and . _ @ + -).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@click.option("--off", is_flag=True, help="Turn the API off: forget the password; apps get 404 from then on.")
@click.pass_obj
def api_password(app, user: str, password_stdin: bool, off: bool) -> None:
    """Set the password reader apps use to sync over the Google Reader API of `serve`.

    Only a salted scrypt hash is kept, in the library. Setting a new password logs every app out.
    Until a password is set the API is off (its addresses answer 404).

    \b
    Examples:
      blogreader api-password                       # asks twice
      echo "$PW" | blogreader api-password --password-stdin --user me
      blogreader api-password --off
    Then, in NetNewsWire, Reeder, ReadYou...: a FreshRSS or Google Reader account at
      http://HOST:8080/   with that user name and password;
    or, in an app that speaks Fever: http://HOST:8080/fever/ with the same two.
    """
    from blogreader.web.api.passwords import USER_NAME, hash_password, password_problem

    if off:
        app.store.clear_api_login()
        click.echo("The reader API is off; apps can no longer log in.")
        return
    if not USER_NAME.match(user):
        raise click.UsageError(f"--user {user!r}: use 1 to 64 letters, digits or . _ @ + -")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("API password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem:
        raise click.UsageError(f"{problem}; nothing was changed")
    from blogreader.web.api.fever import fever_key

    app.store.set_api_login(user, hash_password(password), fever_key_hash=hash_password(fever_key(user, password)))
    click.echo(f"The reader API is on for user {user!r}: apps log in at the address `blogreader serve` prints "
               "(a FreshRSS / Google Reader account). Apps logged in before must log in again.")


COMMANDS = [api_password]
