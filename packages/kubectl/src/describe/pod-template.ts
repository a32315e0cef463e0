/**
 * DescribePodTemplate in kubectl's describe.go: the pod template a
 * Deployment or ReplicaSet stamps its pods from.
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { PrefixWriter, describeContainers, printLabelsMultiline, printTolerations } from "./writer";

export function describePodTemplate(w: PrefixWriter, template: PodTemplateSpec | undefined): void {
  w.write(0, "Pod Template:\n");
  printLabelsMultiline(w, "Labels", template?.metadata?.labels, "  ");
  describeContainers(w, "Containers", template?.spec?.containers ?? [], [], "  ");
  w.write(0, "  Volumes:\t<none>\n");
  printLabelsMultiline(w, "Node-Selectors", template?.spec?.nodeSelector, "  ");
  printTolerations(w, "Tolerations", template?.spec?.tolerations, "  ");
}
