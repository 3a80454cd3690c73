import { signOut, signOutEverywhere } from "@/lib/actions/sign-out";
import { Button } from "@/components/ui/button";

export function SignOutButtons() {
  return (
    <div className="flex gap-1">
      <form action={signOut}>
        <Button type="submit" variant="ghost">
          Sign out
        </Button>
      </form>
      <form action={signOutEverywhere}>
        <Button type="submit" variant="ghost">
          Sign out everywhere
        </Button>
      </form>
    </div>
  );
}
