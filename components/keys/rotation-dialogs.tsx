"use client";

import { ConfirmRotationDialog } from "./confirm-rotation-dialog";
import { KeyRevealDialog } from "./key-reveal-dialog";
import type { useRotationFlow } from "./use-rotation-flow";

type RotationDialogsProps = {
  rotation: ReturnType<typeof useRotationFlow>;
  /** "Reload" after a rotation made elsewhere: the page decides what to fetch again. */
  onReload: () => void;
};

/** A rotation's confirmation and its one-time reveal, as every page that rotates shows them. */
export function RotationDialogs({ rotation, onReload }: RotationDialogsProps) {
  return (
    <>
      <ConfirmRotationDialog
        target={rotation.confirmTarget}
        pending={rotation.pending}
        failure={rotation.failure}
        onConfirm={rotation.confirm}
        onConfirmAnyway={rotation.confirmAnyway}
        onCancel={rotation.cancel}
        onReload={() => {
          rotation.cancel();
          onReload();
        }}
      />
      {rotation.revealed && (
        <KeyRevealDialog
          revealed={rotation.revealed}
          onClose={rotation.finish}
          returnFocusTo={rotation.returnFocusTo}
        />
      )}
    </>
  );
}
