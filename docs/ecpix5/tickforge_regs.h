/* Generated from the tickforge register declarations. Do not edit. */
#ifndef TICKFORGE_REGS_H
#define TICKFORGE_REGS_H

/* Block system: Identity of the bitstream, a scratch register for bus tests, a free-running cycle counter, soft reset and sticky status bits. Always the first block. */
#define TICKFORGE_SYSTEM_BASE                            0x00000000u
#define TICKFORGE_SYSTEM_BLOCK_TYPE                      0x53595354u
#define TICKFORGE_SYSTEM_BLOCK_VERSION                   1u
#define TICKFORGE_SYSTEM_TYPE                            0x00000000u  /* RO: Block type identifier. */
#define TICKFORGE_SYSTEM_TYPE_RESET                      0x53595354u
#define TICKFORGE_SYSTEM_VERSION                         0x00000004u  /* RO: Block register-layout version. */
#define TICKFORGE_SYSTEM_VERSION_RESET                   0x00000001u
#define TICKFORGE_SYSTEM_NEXT                            0x00000008u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_SYSTEM_NEXT_RESET                      0x00000080u
#define TICKFORGE_SYSTEM_MAGIC                           0x0000000Cu  /* RO: Always 0x544B4647 (ASCII TKFG). */
#define TICKFORGE_SYSTEM_MAGIC_RESET                     0x544B4647u
#define TICKFORGE_SYSTEM_DESIGN_VERSION                  0x00000010u  /* RO: Gateware version. */
#define TICKFORGE_SYSTEM_DESIGN_VERSION_RESET            0x00000100u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_PATCH_SHIFT      0u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_PATCH_MASK       0x000000FFu  /* Patch level. */
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MINOR_SHIFT      8u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MINOR_MASK       0x0000FF00u  /* Minor version. */
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MAJOR_SHIFT      16u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MAJOR_MASK       0x00FF0000u  /* Major version. */
#define TICKFORGE_SYSTEM_SCRATCH                         0x00000014u  /* RW: Free for software; bus tests write and read it back. */
#define TICKFORGE_SYSTEM_SCRATCH_RESET                   0x00000000u
#define TICKFORGE_SYSTEM_CYCLES_LO                       0x00000018u  /* RO: Cycle counter bits 31..0. Reading it latches bits 63..32 into cycles_hi: read cycles_lo first. */
#define TICKFORGE_SYSTEM_CYCLES_LO_RESET                 0x00000000u
#define TICKFORGE_SYSTEM_CYCLES_HI                       0x0000001Cu  /* RO: Cycle counter bits 63..32 as latched by the last read of cycles_lo. */
#define TICKFORGE_SYSTEM_CYCLES_HI_RESET                 0x00000000u
#define TICKFORGE_SYSTEM_CONTROL                         0x00000020u  /* W1S: Commands; write 1 to a bit to trigger it. */
#define TICKFORGE_SYSTEM_CONTROL_RESET                   0x00000000u
#define TICKFORGE_SYSTEM_CONTROL_SOFT_RESET_SHIFT        0u
#define TICKFORGE_SYSTEM_CONTROL_SOFT_RESET_MASK         0x00000001u  /* Restart the cycle counter and pulse the design's soft reset. */
#define TICKFORGE_SYSTEM_STATUS                          0x00000024u  /* W1C: Sticky events; write 1 to a bit to clear it. */
#define TICKFORGE_SYSTEM_STATUS_RESET                    0x00000000u
#define TICKFORGE_SYSTEM_STATUS_WRAPPED_SHIFT            0u
#define TICKFORGE_SYSTEM_STATUS_WRAPPED_MASK             0x00000001u  /* The 64-bit cycle counter wrapped to 0. */
#define TICKFORGE_SYSTEM_STATUS_EVENT_SHIFT              1u
#define TICKFORGE_SYSTEM_STATUS_EVENT_MASK               0x00000002u  /* The status_event input was high (test hook). */

/* Block frame: Ethernet/802.1Q/IPv4/UDP frame parser of the feed handler: the feed table (multicast group, port, MoldUDP64 channel per subscription) and one counter per frame outcome. Every frame counts in frames and in exactly one outcome counter. */
#define TICKFORGE_FRAME_BASE                             0x00000080u
#define TICKFORGE_FRAME_BLOCK_TYPE                       0x46524D50u
#define TICKFORGE_FRAME_BLOCK_VERSION                    1u
#define TICKFORGE_FRAME_TYPE                             0x00000080u  /* RO: Block type identifier. */
#define TICKFORGE_FRAME_TYPE_RESET                       0x46524D50u
#define TICKFORGE_FRAME_VERSION                          0x00000084u  /* RO: Block register-layout version. */
#define TICKFORGE_FRAME_VERSION_RESET                    0x00000001u
#define TICKFORGE_FRAME_NEXT                             0x00000088u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_FRAME_NEXT_RESET                       0x00000100u
#define TICKFORGE_FRAME_FEED0_GROUP                      0x0000008Cu  /* RW: Feed 0: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED0_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED0_PORT                       0x00000090u  /* RW: Feed 0: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED0_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED0_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED0_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED0_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED0_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED0_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED0_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FEED1_GROUP                      0x00000094u  /* RW: Feed 1: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED1_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED1_PORT                       0x00000098u  /* RW: Feed 1: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED1_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED1_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED1_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED1_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED1_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED1_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED1_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FEED2_GROUP                      0x0000009Cu  /* RW: Feed 2: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED2_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED2_PORT                       0x000000A0u  /* RW: Feed 2: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED2_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED2_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED2_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED2_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED2_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED2_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED2_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FEED3_GROUP                      0x000000A4u  /* RW: Feed 3: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED3_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED3_PORT                       0x000000A8u  /* RW: Feed 3: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED3_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED3_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED3_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED3_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED3_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED3_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED3_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FEED4_GROUP                      0x000000ACu  /* RW: Feed 4: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED4_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED4_PORT                       0x000000B0u  /* RW: Feed 4: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED4_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED4_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED4_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED4_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED4_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED4_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED4_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FEED5_GROUP                      0x000000B4u  /* RW: Feed 5: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED5_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED5_PORT                       0x000000B8u  /* RW: Feed 5: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED5_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED5_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED5_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED5_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED5_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED5_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED5_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FEED6_GROUP                      0x000000BCu  /* RW: Feed 6: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED6_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED6_PORT                       0x000000C0u  /* RW: Feed 6: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED6_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED6_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED6_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED6_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED6_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED6_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED6_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FEED7_GROUP                      0x000000C4u  /* RW: Feed 7: IPv4 multicast group, network order. */
#define TICKFORGE_FRAME_FEED7_GROUP_RESET                0x00000000u
#define TICKFORGE_FRAME_FEED7_PORT                       0x000000C8u  /* RW: Feed 7: destination port, channel and enable. */
#define TICKFORGE_FRAME_FEED7_PORT_RESET                 0x00000000u
#define TICKFORGE_FRAME_FEED7_PORT_PORT_SHIFT            0u
#define TICKFORGE_FRAME_FEED7_PORT_PORT_MASK             0x0000FFFFu  /* Destination UDP port. */
#define TICKFORGE_FRAME_FEED7_PORT_CHANNEL_SHIFT         16u
#define TICKFORGE_FRAME_FEED7_PORT_CHANNEL_MASK          0x00070000u  /* MoldUDP64 channel whose sequence state this feed shares. */
#define TICKFORGE_FRAME_FEED7_PORT_ENABLE_SHIFT          31u
#define TICKFORGE_FRAME_FEED7_PORT_ENABLE_MASK           0x80000000u  /* 1: the entry takes part in matching. */
#define TICKFORGE_FRAME_FRAMES                           0x000000CCu  /* RO: Frames received (every outcome). */
#define TICKFORGE_FRAME_FRAMES_RESET                     0x00000000u
#define TICKFORGE_FRAME_BYTES_LO                         0x000000D0u  /* RO: Bytes received, bits 31..0. Reading it latches bits 63..32 into bytes_hi: read bytes_lo first. */
#define TICKFORGE_FRAME_BYTES_LO_RESET                   0x00000000u
#define TICKFORGE_FRAME_BYTES_HI                         0x000000D4u  /* RO: Bytes received, bits 63..32 as latched by the last read of bytes_lo. */
#define TICKFORGE_FRAME_BYTES_HI_RESET                   0x00000000u
#define TICKFORGE_FRAME_MAC_ERROR                        0x000000D8u  /* RO: Frames whose last beat carried the MAC error flag (bad FCS, PHY error). */
#define TICKFORGE_FRAME_MAC_ERROR_RESET                  0x00000000u
#define TICKFORGE_FRAME_RUNT                             0x000000DCu  /* RO: Frames shorter than 60 bytes (FCS excluded). */
#define TICKFORGE_FRAME_RUNT_RESET                       0x00000000u
#define TICKFORGE_FRAME_NOT_IPV4                         0x000000E0u  /* RO: EtherType, after at most one 802.1Q tag, other than IPv4. */
#define TICKFORGE_FRAME_NOT_IPV4_RESET                   0x00000000u
#define TICKFORGE_FRAME_IP_HEADER                        0x000000E4u  /* RO: IPv4 version not 4, IHL below 5, or header checksum wrong. */
#define TICKFORGE_FRAME_IP_HEADER_RESET                  0x00000000u
#define TICKFORGE_FRAME_FRAGMENT                         0x000000E8u  /* RO: IPv4 fragments (MF set or fragment offset not 0). */
#define TICKFORGE_FRAME_FRAGMENT_RESET                   0x00000000u
#define TICKFORGE_FRAME_NOT_UDP                          0x000000ECu  /* RO: IPv4 protocol other than UDP. */
#define TICKFORGE_FRAME_NOT_UDP_RESET                    0x00000000u
#define TICKFORGE_FRAME_UNSUBSCRIBED                     0x000000F0u  /* RO: No enabled feed entry matches the destination address, port and MAC. */
#define TICKFORGE_FRAME_UNSUBSCRIBED_RESET               0x00000000u
#define TICKFORGE_FRAME_LENGTH                           0x000000F4u  /* RO: IPv4/UDP lengths disagree, leave no room for a MoldUDP64 header, or the frame holds fewer bytes than its IPv4 total length. */
#define TICKFORGE_FRAME_LENGTH_RESET                     0x00000000u
#define TICKFORGE_FRAME_ACCEPTED                         0x000000F8u  /* RO: Frames passing every check, handed to MoldUDP64. */
#define TICKFORGE_FRAME_ACCEPTED_RESET                   0x00000000u

/* Block mold: MoldUDP64 sessions and sequence numbers per channel, and the counters of the MoldUDP64/ITCH stage of the feed handler. */
#define TICKFORGE_MOLD_BASE                              0x00000100u
#define TICKFORGE_MOLD_BLOCK_TYPE                        0x4D4F4C44u
#define TICKFORGE_MOLD_BLOCK_VERSION                     1u
#define TICKFORGE_MOLD_TYPE                              0x00000100u  /* RO: Block type identifier. */
#define TICKFORGE_MOLD_TYPE_RESET                        0x4D4F4C44u
#define TICKFORGE_MOLD_VERSION                           0x00000104u  /* RO: Block register-layout version. */
#define TICKFORGE_MOLD_VERSION_RESET                     0x00000001u
#define TICKFORGE_MOLD_NEXT                              0x00000108u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_MOLD_NEXT_RESET                        0x00000200u
#define TICKFORGE_MOLD_CH0_SESSION_0                     0x0000010Cu  /* RW: Channel 0: required session, bytes 0..3 (byte 0 in bits 31..24); all spaces or zeros = learn. */
#define TICKFORGE_MOLD_CH0_SESSION_0_RESET               0x00000000u
#define TICKFORGE_MOLD_CH0_SESSION_1                     0x00000110u  /* RW: Channel 0: required session, bytes 4..7 (byte 0 in bits 31..24); all spaces or zeros = learn. */
#define TICKFORGE_MOLD_CH0_SESSION_1_RESET               0x00000000u
#define TICKFORGE_MOLD_CH0_SESSION_2                     0x00000114u  /* RW: Channel 0: required session, bytes 8..11 (byte 0 in bits 31..24); all spaces or zeros = learn. */
#define TICKFORGE_MOLD_CH0_SESSION_2_RESET               0x00000000u
#define TICKFORGE_MOLD_CH0_CURRENT_0                     0x00000118u  /* RO: Channel 0: session in force, bytes 0..3. */
#define TICKFORGE_MOLD_CH0_CURRENT_0_RESET               0x00000000u
#define TICKFORGE_MOLD_CH0_CURRENT_1                     0x0000011Cu  /* RO: Channel 0: session in force, bytes 4..7. */
#define TICKFORGE_MOLD_CH0_CURRENT_1_RESET               0x00000000u
#define TICKFORGE_MOLD_CH0_CURRENT_2                     0x00000120u  /* RO: Channel 0: session in force, bytes 8..11. */
#define TICKFORGE_MOLD_CH0_CURRENT_2_RESET               0x00000000u
#define TICKFORGE_MOLD_CH0_EXPECTED_LO                   0x00000124u  /* RO: Channel 0: expected sequence bits 31..0; reading latches expected_hi: read this first. */
#define TICKFORGE_MOLD_CH0_EXPECTED_LO_RESET             0x00000000u
#define TICKFORGE_MOLD_CH0_EXPECTED_HI                   0x00000128u  /* RO: Channel 0: expected sequence bits 63..32 as latched by the last read of expected_lo. */
#define TICKFORGE_MOLD_CH0_EXPECTED_HI_RESET             0x00000000u
#define TICKFORGE_MOLD_CH0_START_LO                      0x0000012Cu  /* RW: Channel 0: value set_expected loads, bits 31..0. */
#define TICKFORGE_MOLD_CH0_START_LO_RESET                0x00000000u
#define TICKFORGE_MOLD_CH0_START_HI                      0x00000130u  /* RW: Channel 0: value set_expected loads, bits 63..32. */
#define TICKFORGE_MOLD_CH0_START_HI_RESET                0x00000000u
#define TICKFORGE_MOLD_CH0_CONTROL                       0x00000134u  /* W1S: Channel 0: commands; write 1 to a bit to trigger it. */
#define TICKFORGE_MOLD_CH0_CONTROL_RESET                 0x00000000u
#define TICKFORGE_MOLD_CH0_CONTROL_SET_EXPECTED_SHIFT    0u
#define TICKFORGE_MOLD_CH0_CONTROL_SET_EXPECTED_MASK     0x00000001u  /* Load expected from start_hi:start_lo. */
#define TICKFORGE_MOLD_CH0_CONTROL_RESET_SHIFT           1u
#define TICKFORGE_MOLD_CH0_CONTROL_RESET_MASK            0x00000002u  /* Forget the learned session, expected and ended. */
#define TICKFORGE_MOLD_CH0_STATUS                        0x00000138u  /* RO: Channel 0: channel state. */
#define TICKFORGE_MOLD_CH0_STATUS_RESET                  0x00000000u
#define TICKFORGE_MOLD_CH0_STATUS_ENDED_SHIFT            0u
#define TICKFORGE_MOLD_CH0_STATUS_ENDED_MASK             0x00000001u  /* An end-of-session packet was committed. */
#define TICKFORGE_MOLD_CH0_STATUS_SESSION_LEARNED_SHIFT  1u
#define TICKFORGE_MOLD_CH0_STATUS_SESSION_LEARNED_MASK   0x00000002u  /* A session was learned (learn mode). */
#define TICKFORGE_MOLD_CH1_SESSION_0                     0x0000013Cu  /* RW: Channel 1: required session, bytes 0..3 (byte 0 in bits 31..24); all spaces or zeros = learn. */
#define TICKFORGE_MOLD_CH1_SESSION_0_RESET               0x00000000u
#define TICKFORGE_MOLD_CH1_SESSION_1                     0x00000140u  /* RW: Channel 1: required session, bytes 4..7 (byte 0 in bits 31..24); all spaces or zeros = learn. */
#define TICKFORGE_MOLD_CH1_SESSION_1_RESET               0x00000000u
#define TICKFORGE_MOLD_CH1_SESSION_2                     0x00000144u  /* RW: Channel 1: required session, bytes 8..11 (byte 0 in bits 31..24); all spaces or zeros = learn. */
#define TICKFORGE_MOLD_CH1_SESSION_2_RESET               0x00000000u
#define TICKFORGE_MOLD_CH1_CURRENT_0                     0x00000148u  /* RO: Channel 1: session in force, bytes 0..3. */
#define TICKFORGE_MOLD_CH1_CURRENT_0_RESET               0x00000000u
#define TICKFORGE_MOLD_CH1_CURRENT_1                     0x0000014Cu  /* RO: Channel 1: session in force, bytes 4..7. */
#define TICKFORGE_MOLD_CH1_CURRENT_1_RESET               0x00000000u
#define TICKFORGE_MOLD_CH1_CURRENT_2                     0x00000150u  /* RO: Channel 1: session in force, bytes 8..11. */
#define TICKFORGE_MOLD_CH1_CURRENT_2_RESET               0x00000000u
#define TICKFORGE_MOLD_CH1_EXPECTED_LO                   0x00000154u  /* RO: Channel 1: expected sequence bits 31..0; reading latches expected_hi: read this first. */
#define TICKFORGE_MOLD_CH1_EXPECTED_LO_RESET             0x00000000u
#define TICKFORGE_MOLD_CH1_EXPECTED_HI                   0x00000158u  /* RO: Channel 1: expected sequence bits 63..32 as latched by the last read of expected_lo. */
#define TICKFORGE_MOLD_CH1_EXPECTED_HI_RESET             0x00000000u
#define TICKFORGE_MOLD_CH1_START_LO                      0x0000015Cu  /* RW: Channel 1: value set_expected loads, bits 31..0. */
#define TICKFORGE_MOLD_CH1_START_LO_RESET                0x00000000u
#define TICKFORGE_MOLD_CH1_START_HI                      0x00000160u  /* RW: Channel 1: value set_expected loads, bits 63..32. */
#define TICKFORGE_MOLD_CH1_START_HI_RESET                0x00000000u
#define TICKFORGE_MOLD_CH1_CONTROL                       0x00000164u  /* W1S: Channel 1: commands; write 1 to a bit to trigger it. */
#define TICKFORGE_MOLD_CH1_CONTROL_RESET                 0x00000000u
#define TICKFORGE_MOLD_CH1_CONTROL_SET_EXPECTED_SHIFT    0u
#define TICKFORGE_MOLD_CH1_CONTROL_SET_EXPECTED_MASK     0x00000001u  /* Load expected from start_hi:start_lo. */
#define TICKFORGE_MOLD_CH1_CONTROL_RESET_SHIFT           1u
#define TICKFORGE_MOLD_CH1_CONTROL_RESET_MASK            0x00000002u  /* Forget the learned session, expected and ended. */
#define TICKFORGE_MOLD_CH1_STATUS                        0x00000168u  /* RO: Channel 1: channel state. */
#define TICKFORGE_MOLD_CH1_STATUS_RESET                  0x00000000u
#define TICKFORGE_MOLD_CH1_STATUS_ENDED_SHIFT            0u
#define TICKFORGE_MOLD_CH1_STATUS_ENDED_MASK             0x00000001u  /* An end-of-session packet was committed. */
#define TICKFORGE_MOLD_CH1_STATUS_SESSION_LEARNED_SHIFT  1u
#define TICKFORGE_MOLD_CH1_STATUS_SESSION_LEARNED_MASK   0x00000002u  /* A session was learned (learn mode). */
#define TICKFORGE_MOLD_SESSION                           0x0000016Cu  /* RO: Frames dropped for a MoldUDP64 session other than the channel's (good frames). */
#define TICKFORGE_MOLD_SESSION_RESET                     0x00000000u
#define TICKFORGE_MOLD_HEARTBEATS                        0x00000170u  /* RO: Heartbeat packets (count 0) of committed frames. */
#define TICKFORGE_MOLD_HEARTBEATS_RESET                  0x00000000u
#define TICKFORGE_MOLD_END_OF_SESSION                    0x00000174u  /* RO: End-of-session packets (count 0xFFFF) of committed frames. */
#define TICKFORGE_MOLD_END_OF_SESSION_RESET              0x00000000u
#define TICKFORGE_MOLD_MESSAGES                          0x00000178u  /* RO: Events delivered, including those later withdrawn. */
#define TICKFORGE_MOLD_MESSAGES_RESET                    0x00000000u
#define TICKFORGE_MOLD_DUPLICATES                        0x0000017Cu  /* RO: Messages suppressed as already delivered (sequence below expected). */
#define TICKFORGE_MOLD_DUPLICATES_RESET                  0x00000000u
#define TICKFORGE_MOLD_GAPS                              0x00000180u  /* RO: Gap reports emitted. */
#define TICKFORGE_MOLD_GAPS_RESET                        0x00000000u
#define TICKFORGE_MOLD_GAP_MESSAGES                      0x00000184u  /* RO: Sum of the counts of the gap reports. */
#define TICKFORGE_MOLD_GAP_MESSAGES_RESET                0x00000000u
#define TICKFORGE_MOLD_UNKNOWN_TYPE                      0x00000188u  /* RO: Messages of an unknown type, skipped by their length. */
#define TICKFORGE_MOLD_UNKNOWN_TYPE_RESET                0x00000000u
#define TICKFORGE_MOLD_BAD_LENGTH                        0x0000018Cu  /* RO: Packets whose rest was dropped for a block length that is wrong. */
#define TICKFORGE_MOLD_BAD_LENGTH_RESET                  0x00000000u
#define TICKFORGE_MOLD_WITHDRAWN_FRAMES                  0x00000190u  /* RO: frame_end records with commit = 0. */
#define TICKFORGE_MOLD_WITHDRAWN_FRAMES_RESET            0x00000000u
#define TICKFORGE_MOLD_MSGS_S                            0x00000194u  /* RO: Delivered System Event ('S') events. */
#define TICKFORGE_MOLD_MSGS_S_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_R                            0x00000198u  /* RO: Delivered Stock Directory ('R') events. */
#define TICKFORGE_MOLD_MSGS_R_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_H                            0x0000019Cu  /* RO: Delivered Stock Trading Action ('H') events. */
#define TICKFORGE_MOLD_MSGS_H_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_Y                            0x000001A0u  /* RO: Delivered Reg SHO Short Sale Price Test Restricted Indicator ('Y') events. */
#define TICKFORGE_MOLD_MSGS_Y_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_L                            0x000001A4u  /* RO: Delivered Market Participant Position ('L') events. */
#define TICKFORGE_MOLD_MSGS_L_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_V                            0x000001A8u  /* RO: Delivered MWCB Decline Level ('V') events. */
#define TICKFORGE_MOLD_MSGS_V_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_W                            0x000001ACu  /* RO: Delivered MWCB Status ('W') events. */
#define TICKFORGE_MOLD_MSGS_W_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_K                            0x000001B0u  /* RO: Delivered IPO Quoting Period Update ('K') events. */
#define TICKFORGE_MOLD_MSGS_K_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_J                            0x000001B4u  /* RO: Delivered LULD Auction Collar ('J') events. */
#define TICKFORGE_MOLD_MSGS_J_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_H_LOWER                      0x000001B8u  /* RO: Delivered Operational Halt ('h') events. */
#define TICKFORGE_MOLD_MSGS_H_LOWER_RESET                0x00000000u
#define TICKFORGE_MOLD_MSGS_A                            0x000001BCu  /* RO: Delivered Add Order ('A') events. */
#define TICKFORGE_MOLD_MSGS_A_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_F                            0x000001C0u  /* RO: Delivered Add Order with MPID Attribution ('F') events. */
#define TICKFORGE_MOLD_MSGS_F_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_E                            0x000001C4u  /* RO: Delivered Order Executed ('E') events. */
#define TICKFORGE_MOLD_MSGS_E_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_C                            0x000001C8u  /* RO: Delivered Order Executed With Price ('C') events. */
#define TICKFORGE_MOLD_MSGS_C_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_X                            0x000001CCu  /* RO: Delivered Order Cancel ('X') events. */
#define TICKFORGE_MOLD_MSGS_X_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_D                            0x000001D0u  /* RO: Delivered Order Delete ('D') events. */
#define TICKFORGE_MOLD_MSGS_D_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_U                            0x000001D4u  /* RO: Delivered Order Replace ('U') events. */
#define TICKFORGE_MOLD_MSGS_U_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_P                            0x000001D8u  /* RO: Delivered Trade (Non-Cross) ('P') events. */
#define TICKFORGE_MOLD_MSGS_P_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_Q                            0x000001DCu  /* RO: Delivered Cross Trade ('Q') events. */
#define TICKFORGE_MOLD_MSGS_Q_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_B                            0x000001E0u  /* RO: Delivered Broken Trade ('B') events. */
#define TICKFORGE_MOLD_MSGS_B_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_I                            0x000001E4u  /* RO: Delivered Net Order Imbalance Indicator ('I') events. */
#define TICKFORGE_MOLD_MSGS_I_RESET                      0x00000000u
#define TICKFORGE_MOLD_MSGS_N                            0x000001E8u  /* RO: Delivered Retail Price Improvement Indicator ('N') events. */
#define TICKFORGE_MOLD_MSGS_N_RESET                      0x00000000u

/* Block book: Order-book builder: subscriptions by ticker, per-stock status, capacities and counters. */
#define TICKFORGE_BOOK_BASE                              0x00000200u
#define TICKFORGE_BOOK_BLOCK_TYPE                        0x424F4F4Bu
#define TICKFORGE_BOOK_BLOCK_VERSION                     2u
#define TICKFORGE_BOOK_TYPE                              0x00000200u  /* RO: Block type identifier. */
#define TICKFORGE_BOOK_TYPE_RESET                        0x424F4F4Bu
#define TICKFORGE_BOOK_VERSION                           0x00000204u  /* RO: Block register-layout version. */
#define TICKFORGE_BOOK_VERSION_RESET                     0x00000002u
#define TICKFORGE_BOOK_NEXT                              0x00000208u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_BOOK_NEXT_RESET                        0x00000300u
#define TICKFORGE_BOOK_SUB_SLOT                          0x0000020Cu  /* RW: Slot that commands and slot_status refer to. */
#define TICKFORGE_BOOK_SUB_SLOT_RESET                    0x00000000u
#define TICKFORGE_BOOK_SUB_TICKER_0                      0x00000210u  /* RW: Ticker bytes 0..3 (byte 0 in bits 31..24), space padded. */
#define TICKFORGE_BOOK_SUB_TICKER_0_RESET                0x00000000u
#define TICKFORGE_BOOK_SUB_TICKER_1                      0x00000214u  /* RW: Ticker bytes 4..7 (byte 4 in bits 31..24), space padded. */
#define TICKFORGE_BOOK_SUB_TICKER_1_RESET                0x00000000u
#define TICKFORGE_BOOK_SUB_LOCATE                        0x00000218u  /* RW: Locate code for set_locate. */
#define TICKFORGE_BOOK_SUB_LOCATE_RESET                  0x00000000u
#define TICKFORGE_BOOK_COMMAND                           0x0000021Cu  /* W1S: Commands on slot sub_slot; write 1 to a bit. */
#define TICKFORGE_BOOK_COMMAND_RESET                     0x00000000u
#define TICKFORGE_BOOK_COMMAND_SUBSCRIBE_SHIFT           0u
#define TICKFORGE_BOOK_COMMAND_SUBSCRIBE_MASK            0x00000001u  /* Follow the ticker in sub_ticker; locate from R. */
#define TICKFORGE_BOOK_COMMAND_UNSUBSCRIBE_SHIFT         1u
#define TICKFORGE_BOOK_COMMAND_UNSUBSCRIBE_MASK          0x00000002u  /* Forget the slot's ticker and locate. */
#define TICKFORGE_BOOK_COMMAND_SET_LOCATE_SHIFT          2u
#define TICKFORGE_BOOK_COMMAND_SET_LOCATE_MASK           0x00000004u  /* Map locate sub_locate to the slot. */
#define TICKFORGE_BOOK_COMMAND_RESET_BOOK_SHIFT          3u
#define TICKFORGE_BOOK_COMMAND_RESET_BOOK_MASK           0x00000008u  /* Empty the slot's book and clear its invalid flag. */
#define TICKFORGE_BOOK_SLOT_STATUS                       0x00000220u  /* RO: State of slot sub_slot. */
#define TICKFORGE_BOOK_SLOT_STATUS_RESET                 0x00000000u
#define TICKFORGE_BOOK_SLOT_STATUS_SUBSCRIBED_SHIFT      0u
#define TICKFORGE_BOOK_SLOT_STATUS_SUBSCRIBED_MASK       0x00000001u  /* A ticker is set. */
#define TICKFORGE_BOOK_SLOT_STATUS_MAPPED_SHIFT          1u
#define TICKFORGE_BOOK_SLOT_STATUS_MAPPED_MASK           0x00000002u  /* A locate code maps to the slot. */
#define TICKFORGE_BOOK_SLOT_STATUS_INVALID_SHIFT         2u
#define TICKFORGE_BOOK_SLOT_STATUS_INVALID_MASK          0x00000004u  /* The book is not exact: do not trade the stock. */
#define TICKFORGE_BOOK_SLOT_STATUS_HALTED_SHIFT          3u
#define TICKFORGE_BOOK_SLOT_STATUS_HALTED_MASK           0x00000008u  /* The last H message said anything but 'T'. */
#define TICKFORGE_BOOK_SLOT_STATUS_BUSY_SHIFT            4u
#define TICKFORGE_BOOK_SLOT_STATUS_BUSY_MASK             0x00000010u  /* A command is still being carried out. */
#define TICKFORGE_BOOK_SLOT_STATUS_LOCATE_SHIFT          16u
#define TICKFORGE_BOOK_SLOT_STATUS_LOCATE_MASK           0xFFFF0000u  /* The mapped locate code. */
#define TICKFORGE_BOOK_CAP_SLOTS                         0x00000224u  /* RO: Capacity: stocks. */
#define TICKFORGE_BOOK_CAP_SLOTS_RESET                   0x00000004u
#define TICKFORGE_BOOK_CAP_LEVELS                        0x00000228u  /* RO: Capacity: price levels per side per stock when every page is full (pages x page_levels); sides split pages half full. */
#define TICKFORGE_BOOK_CAP_LEVELS_RESET                  0x00000014u
#define TICKFORGE_BOOK_CAP_PAGES                         0x0000022Cu  /* RO: Capacity: pages per side per stock. */
#define TICKFORGE_BOOK_CAP_PAGES_RESET                   0x00000004u
#define TICKFORGE_BOOK_PAGE_LEVELS                       0x00000230u  /* RO: Capacity: price levels per page. */
#define TICKFORGE_BOOK_PAGE_LEVELS_RESET                 0x00000005u
#define TICKFORGE_BOOK_CAP_ORDERS                        0x00000234u  /* RO: Capacity: live orders (sets x ways). */
#define TICKFORGE_BOOK_CAP_ORDERS_RESET                  0x00000020u
#define TICKFORGE_BOOK_TOP_LEVELS                        0x00000238u  /* RO: Levels per side in each update record. */
#define TICKFORGE_BOOK_TOP_LEVELS_RESET                  0x00000001u
#define TICKFORGE_BOOK_EVENTS                            0x0000023Cu  /* RO: Events received from the feed handler (including later withdrawn ones). */
#define TICKFORGE_BOOK_EVENTS_RESET                      0x00000000u
#define TICKFORGE_BOOK_DISCARDED                         0x00000240u  /* RO: Events of stocks that are not subscribed, dropped in their first cycle. */
#define TICKFORGE_BOOK_DISCARDED_RESET                   0x00000000u
#define TICKFORGE_BOOK_UPDATES                           0x00000244u  /* RO: Update records emitted (one per event of a subscribed stock). */
#define TICKFORGE_BOOK_UPDATES_RESET                     0x00000000u
#define TICKFORGE_BOOK_APPLIED                           0x00000248u  /* RO: Book-changing events (A F E C X D U) applied exactly. */
#define TICKFORGE_BOOK_APPLIED_RESET                     0x00000000u
#define TICKFORGE_BOOK_UNKNOWN_REFS                      0x0000024Cu  /* RO: E C X D U naming an order that is not in the table; nothing changed. */
#define TICKFORGE_BOOK_UNKNOWN_REFS_RESET                0x00000000u
#define TICKFORGE_BOOK_OVEREXECUTIONS                    0x00000250u  /* RO: E C X for more shares than the order had; the order was removed. */
#define TICKFORGE_BOOK_OVEREXECUTIONS_RESET              0x00000000u
#define TICKFORGE_BOOK_DUPLICATE_ADDS                    0x00000254u  /* RO: A F U adding a reference that is live; the stock is flagged. */
#define TICKFORGE_BOOK_DUPLICATE_ADDS_RESET              0x00000000u
#define TICKFORGE_BOOK_CROSSED                           0x00000258u  /* RO: Book changes after which the stock's best bid >= best ask. */
#define TICKFORGE_BOOK_CROSSED_RESET                     0x00000000u
#define TICKFORGE_BOOK_ORDER_OVERFLOW                    0x0000025Cu  /* RO: Adds dropped because their order-table set was full; stock flagged. */
#define TICKFORGE_BOOK_ORDER_OVERFLOW_RESET              0x00000000u
#define TICKFORGE_BOOK_LEVEL_OVERFLOW                    0x00000260u  /* RO: Level inserts that found every page of their side in use; stock flagged. */
#define TICKFORGE_BOOK_LEVEL_OVERFLOW_RESET              0x00000000u
#define TICKFORGE_BOOK_MISSING_LEVEL                     0x00000264u  /* RO: Order changes whose price level was not in the book; stock flagged. */
#define TICKFORGE_BOOK_MISSING_LEVEL_RESET               0x00000000u
#define TICKFORGE_BOOK_BAD_SIDE                          0x00000268u  /* RO: A F with a side other than B or S; dropped. */
#define TICKFORGE_BOOK_BAD_SIDE_RESET                    0x00000000u
#define TICKFORGE_BOOK_INVALIDATIONS                     0x0000026Cu  /* RO: Times a stock was flagged invalid. */
#define TICKFORGE_BOOK_INVALIDATIONS_RESET               0x00000000u
#define TICKFORGE_BOOK_WITHDRAWN                         0x00000270u  /* RO: update_end records with commit = 0 (frames rolled back). */
#define TICKFORGE_BOOK_WITHDRAWN_RESET                   0x00000000u
#define TICKFORGE_BOOK_ROLLED_BACK                       0x00000274u  /* RO: Book operations undone by withdrawn frames. */
#define TICKFORGE_BOOK_ROLLED_BACK_RESET                 0x00000000u
#define TICKFORGE_BOOK_UNDO_OVERFLOW                     0x00000278u  /* RO: Withdrawn frames longer than the undo log; all stocks flagged. */
#define TICKFORGE_BOOK_UNDO_OVERFLOW_RESET               0x00000000u
#define TICKFORGE_BOOK_INPUT_OVERFLOW                    0x0000027Cu  /* RO: Events lost because the input queue was full; all stocks flagged. */
#define TICKFORGE_BOOK_INPUT_OVERFLOW_RESET              0x00000000u
#define TICKFORGE_BOOK_PAGE_FAULTS                       0x00000280u  /* RO: Operations after which a side's first page lacked its top levels while deeper pages held more (an invariant of the level store: stays 0); stock flagged. */
#define TICKFORGE_BOOK_PAGE_FAULTS_RESET                 0x00000000u
#define TICKFORGE_BOOK_LIVE_ORDERS                       0x00000284u  /* RO: Orders in the table now (not a counter: a gauge). */
#define TICKFORGE_BOOK_LIVE_ORDERS_RESET                 0x00000000u

/* Block strategy: Strategy triggers: take per stock, pairs on two stocks' mid prices. */
#define TICKFORGE_STRATEGY_BASE                          0x00000300u
#define TICKFORGE_STRATEGY_BLOCK_TYPE                    0x53545254u
#define TICKFORGE_STRATEGY_BLOCK_VERSION                 1u
#define TICKFORGE_STRATEGY_TYPE                          0x00000300u  /* RO: Block type identifier. */
#define TICKFORGE_STRATEGY_TYPE_RESET                    0x53545254u
#define TICKFORGE_STRATEGY_VERSION                       0x00000304u  /* RO: Block register-layout version. */
#define TICKFORGE_STRATEGY_VERSION_RESET                 0x00000001u
#define TICKFORGE_STRATEGY_NEXT                          0x00000308u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_STRATEGY_NEXT_RESET                    0x00000400u
#define TICKFORGE_STRATEGY_CONTROL                       0x0000030Cu  /* RW: Global switches. */
#define TICKFORGE_STRATEGY_CONTROL_RESET                 0x00000000u
#define TICKFORGE_STRATEGY_CONTROL_ENABLE_SHIFT          0u
#define TICKFORGE_STRATEGY_CONTROL_ENABLE_MASK           0x00000001u  /* Triggers may fire. */
#define TICKFORGE_STRATEGY_COMMAND                       0x00000310u  /* W1S: Window commands; write 1 to a bit. */
#define TICKFORGE_STRATEGY_COMMAND_RESET                 0x00000000u
#define TICKFORGE_STRATEGY_COMMAND_LOAD_SLOT_SHIFT       0u
#define TICKFORGE_STRATEGY_COMMAND_LOAD_SLOT_MASK        0x00000001u  /* Load the take_*, cooldown and symbol registers into slot slot_sel. */
#define TICKFORGE_STRATEGY_COMMAND_LOAD_PAIR_SHIFT       1u
#define TICKFORGE_STRATEGY_COMMAND_LOAD_PAIR_MASK        0x00000002u  /* Load the pair_* registers into entry pair_sel. */
#define TICKFORGE_STRATEGY_SLOT_SEL                      0x00000314u  /* RW: Book slot that load_slot writes. */
#define TICKFORGE_STRATEGY_SLOT_SEL_RESET                0x00000000u
#define TICKFORGE_STRATEGY_TAKE_MODE                     0x00000318u  /* RW: Take trigger of the slot. */
#define TICKFORGE_STRATEGY_TAKE_MODE_RESET               0x00000000u
#define TICKFORGE_STRATEGY_TAKE_MODE_ENABLE_SHIFT        0u
#define TICKFORGE_STRATEGY_TAKE_MODE_ENABLE_MASK         0x00000001u  /* The slot's take trigger may fire. */
#define TICKFORGE_STRATEGY_TAKE_BUY_LIMIT                0x0000031Cu  /* RW: Buy when the best offer is at or below this price (0: never buy). */
#define TICKFORGE_STRATEGY_TAKE_BUY_LIMIT_RESET          0x00000000u
#define TICKFORGE_STRATEGY_TAKE_SELL_LIMIT               0x00000320u  /* RW: Sell when the best bid is at or above this price (0: never sell). */
#define TICKFORGE_STRATEGY_TAKE_SELL_LIMIT_RESET         0x00000000u
#define TICKFORGE_STRATEGY_TAKE_MAX_SHARES               0x00000324u  /* RW: Shares of a take order: the touched level's size, capped at this (0: never fire). */
#define TICKFORGE_STRATEGY_TAKE_MAX_SHARES_RESET         0x00000000u
#define TICKFORGE_STRATEGY_COOLDOWN                      0x00000328u  /* RW: Cycles after a trigger fires on the stock before another may. */
#define TICKFORGE_STRATEGY_COOLDOWN_RESET                0x00000000u
#define TICKFORGE_STRATEGY_SYMBOL_0                      0x0000032Cu  /* RW: OUCH symbol bytes 0..3 (byte 0 in bits 31..24), space padded. */
#define TICKFORGE_STRATEGY_SYMBOL_0_RESET                0x00000000u
#define TICKFORGE_STRATEGY_SYMBOL_1                      0x00000330u  /* RW: OUCH symbol bytes 4..7 (byte 4 in bits 31..24), space padded. */
#define TICKFORGE_STRATEGY_SYMBOL_1_RESET                0x00000000u
#define TICKFORGE_STRATEGY_PAIR_SEL                      0x00000334u  /* RW: Pairs entry that load_pair writes. */
#define TICKFORGE_STRATEGY_PAIR_SEL_RESET                0x00000000u
#define TICKFORGE_STRATEGY_PAIR_SLOTS                    0x00000338u  /* RW: Members of the pair. */
#define TICKFORGE_STRATEGY_PAIR_SLOTS_RESET              0x00000000u
#define TICKFORGE_STRATEGY_PAIR_SLOTS_A_SHIFT            0u
#define TICKFORGE_STRATEGY_PAIR_SLOTS_A_MASK             0x000000FFu  /* Book slot of stock A (the leg sized pair_qty). */
#define TICKFORGE_STRATEGY_PAIR_SLOTS_B_SHIFT            8u
#define TICKFORGE_STRATEGY_PAIR_SLOTS_B_MASK             0x0000FF00u  /* Book slot of stock B (the hedge). */
#define TICKFORGE_STRATEGY_PAIR_SLOTS_ENABLE_SHIFT       16u
#define TICKFORGE_STRATEGY_PAIR_SLOTS_ENABLE_MASK        0x00010000u  /* The entry may fire. */
#define TICKFORGE_STRATEGY_PAIR_RATIO                    0x0000033Cu  /* RW: Hedge ratio: B shares per A share (1..65535). */
#define TICKFORGE_STRATEGY_PAIR_RATIO_RESET              0x00000001u
#define TICKFORGE_STRATEGY_PAIR_BAND_LO                  0x00000340u  /* RW: Buy A, sell B when the doubled spread is below this (signed). */
#define TICKFORGE_STRATEGY_PAIR_BAND_LO_RESET            0x00000000u
#define TICKFORGE_STRATEGY_PAIR_BAND_HI                  0x00000344u  /* RW: Sell A, buy B when the doubled spread is above this (signed). */
#define TICKFORGE_STRATEGY_PAIR_BAND_HI_RESET            0x00000000u
#define TICKFORGE_STRATEGY_PAIR_QTY                      0x00000348u  /* RW: Shares of the A leg (0: never fire). */
#define TICKFORGE_STRATEGY_PAIR_QTY_RESET                0x00000000u
#define TICKFORGE_STRATEGY_CAP_TRADE_SLOTS               0x0000034Cu  /* RO: Capacity: slots with trading state. */
#define TICKFORGE_STRATEGY_CAP_TRADE_SLOTS_RESET         0x00000002u
#define TICKFORGE_STRATEGY_CAP_PAIRS                     0x00000350u  /* RO: Capacity: pairs entries. */
#define TICKFORGE_STRATEGY_CAP_PAIRS_RESET               0x00000001u
#define TICKFORGE_STRATEGY_RECORDS                       0x00000354u  /* RO: Book-update records seen. */
#define TICKFORGE_STRATEGY_RECORDS_RESET                 0x00000000u
#define TICKFORGE_STRATEGY_UNTRACKED                     0x00000358u  /* RO: Records of slots without trading state (slot >= trade_slots). */
#define TICKFORGE_STRATEGY_UNTRACKED_RESET               0x00000000u
#define TICKFORGE_STRATEGY_TAKE_FIRED                    0x0000035Cu  /* RO: Groups proposed by take triggers. */
#define TICKFORGE_STRATEGY_TAKE_FIRED_RESET              0x00000000u
#define TICKFORGE_STRATEGY_PAIRS_FIRED                   0x00000360u  /* RO: Groups proposed by pairs triggers. */
#define TICKFORGE_STRATEGY_PAIRS_FIRED_RESET             0x00000000u
#define TICKFORGE_STRATEGY_SUPPRESSED_FLAGS              0x00000364u  /* RO: Triggers that held because a stock was halted or its book invalid. */
#define TICKFORGE_STRATEGY_SUPPRESSED_FLAGS_RESET        0x00000000u
#define TICKFORGE_STRATEGY_SUPPRESSED_COOLDOWN           0x00000368u  /* RO: Triggers that held because a stock was cooling down. */
#define TICKFORGE_STRATEGY_SUPPRESSED_COOLDOWN_RESET     0x00000000u
#define TICKFORGE_STRATEGY_WITHDRAWN                     0x0000036Cu  /* RO: Verdicts that withdrew a frame (strategy state rolled back). */
#define TICKFORGE_STRATEGY_WITHDRAWN_RESET               0x00000000u

/* Block risk: Pre-trade risk checks (SEC 15c3-5): limits, kill switch, positions. */
#define TICKFORGE_RISK_BASE                              0x00000400u
#define TICKFORGE_RISK_BLOCK_TYPE                        0x5249534Bu
#define TICKFORGE_RISK_BLOCK_VERSION                     1u
#define TICKFORGE_RISK_TYPE                              0x00000400u  /* RO: Block type identifier. */
#define TICKFORGE_RISK_TYPE_RESET                        0x5249534Bu
#define TICKFORGE_RISK_VERSION                           0x00000404u  /* RO: Block register-layout version. */
#define TICKFORGE_RISK_VERSION_RESET                     0x00000001u
#define TICKFORGE_RISK_NEXT                              0x00000408u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_RISK_NEXT_RESET                        0x00000500u
#define TICKFORGE_RISK_CONTROL                           0x0000040Cu  /* RW: Switches. */
#define TICKFORGE_RISK_CONTROL_RESET                     0x00000000u
#define TICKFORGE_RISK_CONTROL_ENABLE_SHIFT              0u
#define TICKFORGE_RISK_CONTROL_ENABLE_MASK               0x00000001u  /* Orders may pass (0: every leg is rejected). */
#define TICKFORGE_RISK_CONTROL_COLLAR_BPS_SHIFT          1u
#define TICKFORGE_RISK_CONTROL_COLLAR_BPS_MASK           0x00000002u  /* collar is in basis points of the midpoint, not in price units. */
#define TICKFORGE_RISK_COMMAND                           0x00000410u  /* W1S: Commands; write 1 to a bit. */
#define TICKFORGE_RISK_COMMAND_RESET                     0x00000000u
#define TICKFORGE_RISK_COMMAND_KILL_SHIFT                0u
#define TICKFORGE_RISK_COMMAND_KILL_MASK                 0x00000001u  /* Set the kill switch: nothing passes until rearm. */
#define TICKFORGE_RISK_COMMAND_REARM_SHIFT               1u
#define TICKFORGE_RISK_COMMAND_REARM_MASK                0x00000002u  /* Clear the kill switch (refused while the loss limit is breached). */
#define TICKFORGE_RISK_COMMAND_LOAD_SLOT_SHIFT           2u
#define TICKFORGE_RISK_COMMAND_LOAD_SLOT_MASK            0x00000004u  /* Load slot_open_buy, slot_open_sell and slot_limit into slot slot_sel and end its suspension. */
#define TICKFORGE_RISK_COMMAND_LOAD_EXPOSURE_SHIFT       3u
#define TICKFORGE_RISK_COMMAND_LOAD_EXPOSURE_MASK        0x00000008u  /* Load exposure_load_lo/hi into the opened notional. */
#define TICKFORGE_RISK_COMMAND_REFILL_SHIFT              4u
#define TICKFORGE_RISK_COMMAND_REFILL_MASK               0x00000010u  /* Fill every rate bucket to its burst. */
#define TICKFORGE_RISK_STATUS                            0x00000414u  /* RO: Kill switch. */
#define TICKFORGE_RISK_STATUS_RESET                      0x00000000u
#define TICKFORGE_RISK_STATUS_KILLED_SHIFT               0u
#define TICKFORGE_RISK_STATUS_KILLED_MASK                0x00000001u  /* The kill switch is set. */
#define TICKFORGE_RISK_STATUS_LOSS_BREACHED_SHIFT        1u
#define TICKFORGE_RISK_STATUS_LOSS_BREACHED_MASK         0x00000002u  /* The P&L (response.pnl, the lower of its working and committed values) is below -loss_limit. */
#define TICKFORGE_RISK_STATUS_BY_HOST_SHIFT              2u
#define TICKFORGE_RISK_STATUS_BY_HOST_MASK               0x00000004u  /* The host set it (command.kill). */
#define TICKFORGE_RISK_STATUS_BY_LOSS_SHIFT              3u
#define TICKFORGE_RISK_STATUS_BY_LOSS_MASK               0x00000008u  /* The loss limit tripped it. */
#define TICKFORGE_RISK_MAX_SHARES                        0x00000418u  /* RW: Largest order, shares. */
#define TICKFORGE_RISK_MAX_SHARES_RESET                  0x00000000u
#define TICKFORGE_RISK_MAX_NOTIONAL_LO                   0x0000041Cu  /* RW: Largest order, price x shares (bits 31..0). */
#define TICKFORGE_RISK_MAX_NOTIONAL_LO_RESET             0x00000000u
#define TICKFORGE_RISK_MAX_NOTIONAL_HI                   0x00000420u  /* RW: Largest order, price x shares (bits 63..32). */
#define TICKFORGE_RISK_MAX_NOTIONAL_HI_RESET             0x00000000u
#define TICKFORGE_RISK_COLLAR                            0x00000424u  /* RW: Furthest an order may be through the book's midpoint: price units, or basis points with control.collar_bps. */
#define TICKFORGE_RISK_COLLAR_RESET                      0x00000000u
#define TICKFORGE_RISK_GROSS_LIMIT_LO                    0x00000428u  /* RW: Largest gross exposure after an order, price x shares (bits 31..0). */
#define TICKFORGE_RISK_GROSS_LIMIT_LO_RESET              0x00000000u
#define TICKFORGE_RISK_GROSS_LIMIT_HI                    0x0000042Cu  /* RW: Largest gross exposure after an order, price x shares (bits 63..32). */
#define TICKFORGE_RISK_GROSS_LIMIT_HI_RESET              0x00000000u
#define TICKFORGE_RISK_STOCK_BURST                       0x00000430u  /* RW: Tokens of each stock's rate bucket (orders in a burst). */
#define TICKFORGE_RISK_STOCK_BURST_RESET                 0x00000000u
#define TICKFORGE_RISK_STOCK_REFILL                      0x00000434u  /* RW: Refill of each stock's bucket: one token in every cycle whose cycle counter is a multiple of 2 ** log2. */
#define TICKFORGE_RISK_STOCK_REFILL_RESET                0x00000000u
#define TICKFORGE_RISK_STOCK_REFILL_LOG2_SHIFT           0u
#define TICKFORGE_RISK_STOCK_REFILL_LOG2_MASK            0x0000001Fu  /* Period exponent. */
#define TICKFORGE_RISK_STOCK_REFILL_ENABLE_SHIFT         8u
#define TICKFORGE_RISK_STOCK_REFILL_ENABLE_MASK          0x00000100u  /* Refill at all. */
#define TICKFORGE_RISK_GLOBAL_BURST                      0x00000438u  /* RW: Tokens of the card's rate bucket. */
#define TICKFORGE_RISK_GLOBAL_BURST_RESET                0x00000000u
#define TICKFORGE_RISK_GLOBAL_REFILL                     0x0000043Cu  /* RW: Refill of the card's bucket: one token in every cycle whose cycle counter is a multiple of 2 ** log2. */
#define TICKFORGE_RISK_GLOBAL_REFILL_RESET               0x00000000u
#define TICKFORGE_RISK_GLOBAL_REFILL_LOG2_SHIFT          0u
#define TICKFORGE_RISK_GLOBAL_REFILL_LOG2_MASK           0x0000001Fu  /* Period exponent. */
#define TICKFORGE_RISK_GLOBAL_REFILL_ENABLE_SHIFT        8u
#define TICKFORGE_RISK_GLOBAL_REFILL_ENABLE_MASK         0x00000100u  /* Refill at all. */
#define TICKFORGE_RISK_DUP_WINDOW                        0x00000440u  /* RW: Cycles in which an order with the stock, side and price of an accepted one is a duplicate. */
#define TICKFORGE_RISK_DUP_WINDOW_RESET                  0x00000000u
#define TICKFORGE_RISK_LOSS_LIMIT_LO                     0x00000444u  /* RW: Daily realised loss that trips the kill switch (bits 31..0). */
#define TICKFORGE_RISK_LOSS_LIMIT_LO_RESET               0x00000000u
#define TICKFORGE_RISK_LOSS_LIMIT_HI                     0x00000448u  /* RW: Daily realised loss that trips the kill switch (bits 63..32). */
#define TICKFORGE_RISK_LOSS_LIMIT_HI_RESET               0x00000000u
#define TICKFORGE_RISK_SLOT_SEL                          0x0000044Cu  /* RW: Slot of the load_slot window and read_* registers. */
#define TICKFORGE_RISK_SLOT_SEL_RESET                    0x00000000u
#define TICKFORGE_RISK_SLOT_OPEN_BUY                     0x00000450u  /* RW: Opened buy shares to load. */
#define TICKFORGE_RISK_SLOT_OPEN_BUY_RESET               0x00000000u
#define TICKFORGE_RISK_SLOT_OPEN_SELL                    0x00000454u  /* RW: Opened sell shares to load. */
#define TICKFORGE_RISK_SLOT_OPEN_SELL_RESET              0x00000000u
#define TICKFORGE_RISK_SLOT_LIMIT                        0x00000458u  /* RW: Position limit to load: |position + open orders| after an order, shares. */
#define TICKFORGE_RISK_SLOT_LIMIT_RESET                  0x00000000u
#define TICKFORGE_RISK_EXPOSURE_LOAD_LO                  0x0000045Cu  /* RW: Opened notional to load (bits 31..0). */
#define TICKFORGE_RISK_EXPOSURE_LOAD_LO_RESET            0x00000000u
#define TICKFORGE_RISK_EXPOSURE_LOAD_HI                  0x00000460u  /* RW: Opened notional to load (bits 63..32). */
#define TICKFORGE_RISK_EXPOSURE_LOAD_HI_RESET            0x00000000u
#define TICKFORGE_RISK_READ_OPEN_BUY                     0x00000464u  /* RO: Opened buy shares of slot_sel. */
#define TICKFORGE_RISK_READ_OPEN_BUY_RESET               0x00000000u
#define TICKFORGE_RISK_READ_OPEN_SELL                    0x00000468u  /* RO: Opened sell shares of slot_sel. */
#define TICKFORGE_RISK_READ_OPEN_SELL_RESET              0x00000000u
#define TICKFORGE_RISK_READ_LIMIT                        0x0000046Cu  /* RO: Position limit of slot_sel. */
#define TICKFORGE_RISK_READ_LIMIT_RESET                  0x00000000u
#define TICKFORGE_RISK_READ_TOKENS                       0x00000470u  /* RO: Tokens in slot_sel's rate bucket. */
#define TICKFORGE_RISK_READ_TOKENS_RESET                 0x00000000u
#define TICKFORGE_RISK_GLOBAL_TOKENS                     0x00000474u  /* RO: Tokens in the card's rate bucket. */
#define TICKFORGE_RISK_GLOBAL_TOKENS_RESET               0x00000000u
#define TICKFORGE_RISK_EXPOSURE_LO                       0x00000478u  /* RO: Opened notional now (bits 31..0). */
#define TICKFORGE_RISK_EXPOSURE_LO_RESET                 0x00000000u
#define TICKFORGE_RISK_EXPOSURE_HI                       0x0000047Cu  /* RO: Opened notional now (bits 63..32). */
#define TICKFORGE_RISK_EXPOSURE_HI_RESET                 0x00000000u
#define TICKFORGE_RISK_SUSPENDED                         0x00000480u  /* RO: Slots suspended since a loss of sync, one bit each (bit k: slot k). */
#define TICKFORGE_RISK_SUSPENDED_RESET                   0x00000000u
#define TICKFORGE_RISK_CAP_TRADE_SLOTS                   0x00000484u  /* RO: Capacity: slots with risk state. */
#define TICKFORGE_RISK_CAP_TRADE_SLOTS_RESET             0x00000002u
#define TICKFORGE_RISK_GROUPS                            0x00000488u  /* RO: Groups checked (a take is one leg, a pairs trigger two). */
#define TICKFORGE_RISK_GROUPS_RESET                      0x00000000u
#define TICKFORGE_RISK_ACCEPTED_LEGS                     0x0000048Cu  /* RO: Legs passed to order entry. */
#define TICKFORGE_RISK_ACCEPTED_LEGS_RESET               0x00000000u
#define TICKFORGE_RISK_REJECTED_LEGS                     0x00000490u  /* RO: Legs rejected. */
#define TICKFORGE_RISK_REJECTED_LEGS_RESET               0x00000000u
#define TICKFORGE_RISK_REASON_KILLED                     0x00000494u  /* RO: Legs rejected with killed set: kill switch set (host command, or the daily loss limit tripped it). */
#define TICKFORGE_RISK_REASON_KILLED_RESET               0x00000000u
#define TICKFORGE_RISK_REASON_DISABLED                   0x00000498u  /* RO: Legs rejected with disabled set: trading is not enabled (risk.control.enable = 0). */
#define TICKFORGE_RISK_REASON_DISABLED_RESET             0x00000000u
#define TICKFORGE_RISK_REASON_NO_SESSION                 0x0000049Cu  /* RO: Legs rejected with no_session set: the order-entry TCP session is not handed to the card. */
#define TICKFORGE_RISK_REASON_NO_SESSION_RESET           0x00000000u
#define TICKFORGE_RISK_REASON_HALTED                     0x000004A0u  /* RO: Legs rejected with halted set: the stock is halted (its last H message was not 'T'). */
#define TICKFORGE_RISK_REASON_HALTED_RESET               0x00000000u
#define TICKFORGE_RISK_REASON_INVALID_BOOK               0x000004A4u  /* RO: Legs rejected with invalid_book set: the stock's book is flagged invalid (not exact). */
#define TICKFORGE_RISK_REASON_INVALID_BOOK_RESET         0x00000000u
#define TICKFORGE_RISK_REASON_BAD_ORDER                  0x000004A8u  /* RO: Legs rejected with bad_order set: zero shares, zero price, or a slot without trading state. */
#define TICKFORGE_RISK_REASON_BAD_ORDER_RESET            0x00000000u
#define TICKFORGE_RISK_REASON_MAX_SHARES                 0x000004ACu  /* RO: Legs rejected with max_shares set: shares above max_shares. */
#define TICKFORGE_RISK_REASON_MAX_SHARES_RESET           0x00000000u
#define TICKFORGE_RISK_REASON_MAX_NOTIONAL               0x000004B0u  /* RO: Legs rejected with max_notional set: price x shares above max_notional. */
#define TICKFORGE_RISK_REASON_MAX_NOTIONAL_RESET         0x00000000u
#define TICKFORGE_RISK_REASON_COLLAR                     0x000004B4u  /* RO: Legs rejected with collar set: price beyond the collar around the book's midpoint, or a one-sided book. */
#define TICKFORGE_RISK_REASON_COLLAR_RESET               0x00000000u
#define TICKFORGE_RISK_REASON_POSITION                   0x000004B8u  /* RO: Legs rejected with position set: position plus open orders plus this order beyond the position limit. */
#define TICKFORGE_RISK_REASON_POSITION_RESET             0x00000000u
#define TICKFORGE_RISK_REASON_GROSS                      0x000004BCu  /* RO: Legs rejected with gross set: gross exposure plus this order's notional above gross_limit. */
#define TICKFORGE_RISK_REASON_GROSS_RESET                0x00000000u
#define TICKFORGE_RISK_REASON_RATE_STOCK                 0x000004C0u  /* RO: Legs rejected with rate_stock set: the stock's token bucket is empty. */
#define TICKFORGE_RISK_REASON_RATE_STOCK_RESET           0x00000000u
#define TICKFORGE_RISK_REASON_RATE_GLOBAL                0x000004C4u  /* RO: Legs rejected with rate_global set: the card's token bucket has fewer tokens than the group's legs. */
#define TICKFORGE_RISK_REASON_RATE_GLOBAL_RESET          0x00000000u
#define TICKFORGE_RISK_REASON_DUPLICATE                  0x000004C8u  /* RO: Legs rejected with duplicate set: same stock, side and price as an accepted order within dup_window. */
#define TICKFORGE_RISK_REASON_DUPLICATE_RESET            0x00000000u
#define TICKFORGE_RISK_REASON_QUEUE_FULL                 0x000004CCu  /* RO: Legs rejected with queue_full set: the transmit queue cannot take the group's legs. */
#define TICKFORGE_RISK_REASON_QUEUE_FULL_RESET           0x00000000u
#define TICKFORGE_RISK_REASON_OTHER_LEG                  0x000004D0u  /* RO: Legs rejected with other_leg set: the group's other leg was rejected. */
#define TICKFORGE_RISK_REASON_OTHER_LEG_RESET            0x00000000u
#define TICKFORGE_RISK_REASON_ORDERS_FULL                0x000004D4u  /* RO: Legs rejected with orders_full set: the open-order table entry the order would take still holds a live order. */
#define TICKFORGE_RISK_REASON_ORDERS_FULL_RESET          0x00000000u
#define TICKFORGE_RISK_REASON_RESYNC                     0x000004D8u  /* RO: Legs rejected with resync set: exchange responses are out of sync, or the stock had open orders when they went out of sync and the host has not reloaded it. */
#define TICKFORGE_RISK_REASON_RESYNC_RESET               0x00000000u

/* Block order: Order entry: OUCH 5.0 Enter Order frames over the host's SoupBinTCP session (addresses, ports, order fields, session counters) and their counters. */
#define TICKFORGE_ORDER_BASE                             0x00000500u
#define TICKFORGE_ORDER_BLOCK_TYPE                       0x4F524452u
#define TICKFORGE_ORDER_BLOCK_VERSION                    1u
#define TICKFORGE_ORDER_TYPE                             0x00000500u  /* RO: Block type identifier. */
#define TICKFORGE_ORDER_TYPE_RESET                       0x4F524452u
#define TICKFORGE_ORDER_VERSION                          0x00000504u  /* RO: Block register-layout version. */
#define TICKFORGE_ORDER_VERSION_RESET                    0x00000001u
#define TICKFORGE_ORDER_NEXT                             0x00000508u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_ORDER_NEXT_RESET                       0x00000600u
#define TICKFORGE_ORDER_CONTROL                          0x0000050Cu  /* RW: Session control. */
#define TICKFORGE_ORDER_CONTROL_RESET                    0x00000002u
#define TICKFORGE_ORDER_CONTROL_SESSION_ENABLE_SHIFT     0u
#define TICKFORGE_ORDER_CONTROL_SESSION_ENABLE_MASK      0x00000001u  /* 1: orders are accepted and sent. */
#define TICKFORGE_ORDER_CONTROL_PAD_TO_VERDICT_SHIFT     1u
#define TICKFORGE_ORDER_CONTROL_PAD_TO_VERDICT_MASK      0x00000002u  /* A frame still speculative at its last byte is padded with zero beats until its verdict (at most MAX_FRAME bytes) instead of ending with the error flag. */
#define TICKFORGE_ORDER_DST_MAC_HI                       0x00000510u  /* RW: Destination MAC bytes 0..1 in bits 15..0. */
#define TICKFORGE_ORDER_DST_MAC_HI_RESET                 0x00000000u
#define TICKFORGE_ORDER_DST_MAC_LO                       0x00000514u  /* RW: Destination MAC bytes 2..5. */
#define TICKFORGE_ORDER_DST_MAC_LO_RESET                 0x00000000u
#define TICKFORGE_ORDER_SRC_MAC_HI                       0x00000518u  /* RW: Source MAC bytes 0..1 in bits 15..0. */
#define TICKFORGE_ORDER_SRC_MAC_HI_RESET                 0x00000000u
#define TICKFORGE_ORDER_SRC_MAC_LO                       0x0000051Cu  /* RW: Source MAC bytes 2..5. */
#define TICKFORGE_ORDER_SRC_MAC_LO_RESET                 0x00000000u
#define TICKFORGE_ORDER_SRC_IP                           0x00000520u  /* RW: Source IPv4 address, network order. */
#define TICKFORGE_ORDER_SRC_IP_RESET                     0x00000000u
#define TICKFORGE_ORDER_DST_IP                           0x00000524u  /* RW: Destination IPv4 address, network order. */
#define TICKFORGE_ORDER_DST_IP_RESET                     0x00000000u
#define TICKFORGE_ORDER_SRC_PORT                         0x00000528u  /* RW: TCP source port, bits 15..0. */
#define TICKFORGE_ORDER_SRC_PORT_RESET                   0x00000000u
#define TICKFORGE_ORDER_DST_PORT                         0x0000052Cu  /* RW: TCP destination port, bits 15..0. */
#define TICKFORGE_ORDER_DST_PORT_RESET                   0x00000000u
#define TICKFORGE_ORDER_TTL                              0x00000530u  /* RW: IPv4 time to live, bits 7..0. */
#define TICKFORGE_ORDER_TTL_RESET                        0x00000040u
#define TICKFORGE_ORDER_WINDOW                           0x00000534u  /* RW: TCP receive window advertised, bits 15..0. */
#define TICKFORGE_ORDER_WINDOW_RESET                     0x0000FFFFu
#define TICKFORGE_ORDER_ACK                              0x00000538u  /* RW: TCP acknowledgement number; may change while the session is enabled. */
#define TICKFORGE_ORDER_ACK_RESET                        0x00000000u
#define TICKFORGE_ORDER_ORDER_CHARS_0                    0x0000053Cu  /* RW: OUCH Enter Order one-character fields. */
#define TICKFORGE_ORDER_ORDER_CHARS_0_RESET              0x3359504Eu
#define TICKFORGE_ORDER_ORDER_CHARS_0_TIME_IN_FORCE_SHIFT 24u
#define TICKFORGE_ORDER_ORDER_CHARS_0_TIME_IN_FORCE_MASK 0xFF000000u  /* TimeInForce ('3' immediate or cancel). */
#define TICKFORGE_ORDER_ORDER_CHARS_0_DISPLAY_SHIFT      16u
#define TICKFORGE_ORDER_ORDER_CHARS_0_DISPLAY_MASK       0x00FF0000u  /* Display ('Y' visible). */
#define TICKFORGE_ORDER_ORDER_CHARS_0_CAPACITY_SHIFT     8u
#define TICKFORGE_ORDER_ORDER_CHARS_0_CAPACITY_MASK      0x0000FF00u  /* Capacity ('P' principal). */
#define TICKFORGE_ORDER_ORDER_CHARS_0_INTERMARKET_SWEEP_SHIFT 0u
#define TICKFORGE_ORDER_ORDER_CHARS_0_INTERMARKET_SWEEP_MASK 0x000000FFu  /* InterMarketSweepEligibility. */
#define TICKFORGE_ORDER_ORDER_CHARS_1                    0x00000540u  /* RW: OUCH Enter Order one-character fields, cont. */
#define TICKFORGE_ORDER_ORDER_CHARS_1_RESET              0x4E000000u
#define TICKFORGE_ORDER_ORDER_CHARS_1_CROSS_TYPE_SHIFT   24u
#define TICKFORGE_ORDER_ORDER_CHARS_1_CROSS_TYPE_MASK    0xFF000000u  /* CrossType ('N' continuous market). */
#define TICKFORGE_ORDER_CL_ORD_PREFIX_0                  0x00000544u  /* RW: ClOrdID bytes 0..3 (then 4..5, then the UserRefNum as 8 upper-case hex digits). */
#define TICKFORGE_ORDER_CL_ORD_PREFIX_0_RESET            0x544B4647u
#define TICKFORGE_ORDER_CL_ORD_PREFIX_1                  0x00000548u  /* RW: ClOrdID bytes 4..5 in bits 31..16. */
#define TICKFORGE_ORDER_CL_ORD_PREFIX_1_RESET            0x30300000u
#define TICKFORGE_ORDER_FIRM                             0x0000054Cu  /* RW: Firm appendage value, 4 ASCII bytes. */
#define TICKFORGE_ORDER_FIRM_RESET                       0x544B4647u
#define TICKFORGE_ORDER_SEQ_LOAD                         0x00000550u  /* RW: TCP sequence number that load_session sets. */
#define TICKFORGE_ORDER_SEQ_LOAD_RESET                   0x00000000u
#define TICKFORGE_ORDER_USER_REF_LOAD                    0x00000554u  /* RW: UserRefNum that load_session sets. */
#define TICKFORGE_ORDER_USER_REF_LOAD_RESET              0x00000000u
#define TICKFORGE_ORDER_IP_ID_LOAD                       0x00000558u  /* RW: IPv4 identification (bits 15..0) that load_session sets. */
#define TICKFORGE_ORDER_IP_ID_LOAD_RESET                 0x00000000u
#define TICKFORGE_ORDER_COMMAND                          0x0000055Cu  /* W1S: Commands; write 1 to a bit. */
#define TICKFORGE_ORDER_COMMAND_RESET                    0x00000000u
#define TICKFORGE_ORDER_COMMAND_LOAD_SESSION_SHIFT       0u
#define TICKFORGE_ORDER_COMMAND_LOAD_SESSION_MASK        0x00000001u  /* Copy seq_load, user_ref_load and ip_id_load into the session (only with the session disabled). */
#define TICKFORGE_ORDER_STATUS                           0x00000560u  /* RO: Session state. */
#define TICKFORGE_ORDER_STATUS_RESET                     0x00000000u
#define TICKFORGE_ORDER_STATUS_SESSION_ACTIVE_SHIFT      0u
#define TICKFORGE_ORDER_STATUS_SESSION_ACTIVE_MASK       0x00000001u  /* Orders are accepted. */
#define TICKFORGE_ORDER_STATUS_IN_FLIGHT_SHIFT           1u
#define TICKFORGE_ORDER_STATUS_IN_FLIGHT_MASK            0x00000002u  /* A frame is on the transmit stream. */
#define TICKFORGE_ORDER_NEXT_SEQ                         0x00000564u  /* RO: TCP sequence number of the next frame. */
#define TICKFORGE_ORDER_NEXT_SEQ_RESET                   0x00000000u
#define TICKFORGE_ORDER_NEXT_USER_REF_NUM                0x00000568u  /* RO: UserRefNum of the next frame. */
#define TICKFORGE_ORDER_NEXT_USER_REF_NUM_RESET          0x00000000u
#define TICKFORGE_ORDER_QUEUED                           0x0000056Cu  /* RO: Orders in the queue now, the one in flight included (a gauge). */
#define TICKFORGE_ORDER_QUEUED_RESET                     0x00000000u
#define TICKFORGE_ORDER_FRAMES_SENT                      0x00000570u  /* RO: Enter Order frames completed without the error flag (on the exchange). */
#define TICKFORGE_ORDER_FRAMES_SENT_RESET                0x00000000u
#define TICKFORGE_ORDER_ABORTED_WITHDRAWN                0x00000574u  /* RO: Frames cut short by a withdraw verdict (error flag; dropped). */
#define TICKFORGE_ORDER_ABORTED_WITHDRAWN_RESET          0x00000000u
#define TICKFORGE_ORDER_ABORTED_LATE                     0x00000578u  /* RO: Frames whose verdict was still open at their final beat (error flag; the order waits at the head of the queue for its verdict). */
#define TICKFORGE_ORDER_ABORTED_LATE_RESET               0x00000000u
#define TICKFORGE_ORDER_FLUSHED                          0x0000057Cu  /* RO: Legs removed from the queue, or refused on arrival, by kill or a disabled session. */
#define TICKFORGE_ORDER_FLUSHED_RESET                    0x00000000u
#define TICKFORGE_ORDER_DROPPED                          0x00000580u  /* RO: Legs of groups offered with more legs than free entries (the risk gate checks free, so this stays 0). */
#define TICKFORGE_ORDER_DROPPED_RESET                    0x00000000u
#define TICKFORGE_ORDER_CANCELS_SENT                     0x00000584u  /* RO: Cancel Order frames completed (the host's cancels and mass cancels). */
#define TICKFORGE_ORDER_CANCELS_SENT_RESET               0x00000000u

/* Block response: Exchange responses: OUCH over the session's receive side, open orders, positions, P&L. */
#define TICKFORGE_RESPONSE_BASE                          0x00000600u
#define TICKFORGE_RESPONSE_BLOCK_TYPE                    0x52455350u
#define TICKFORGE_RESPONSE_BLOCK_VERSION                 1u
#define TICKFORGE_RESPONSE_TYPE                          0x00000600u  /* RO: Block type identifier. */
#define TICKFORGE_RESPONSE_TYPE_RESET                    0x52455350u
#define TICKFORGE_RESPONSE_VERSION                       0x00000604u  /* RO: Block register-layout version. */
#define TICKFORGE_RESPONSE_VERSION_RESET                 0x00000001u
#define TICKFORGE_RESPONSE_NEXT                          0x00000608u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_RESPONSE_NEXT_RESET                    0x00000700u
#define TICKFORGE_RESPONSE_COMMAND                       0x0000060Cu  /* W1S: Commands; write 1 to a bit. */
#define TICKFORGE_RESPONSE_COMMAND_RESET                 0x00000000u
#define TICKFORGE_RESPONSE_COMMAND_RESYNC_SHIFT          0u
#define TICKFORGE_RESPONSE_COMMAND_RESYNC_MASK           0x00000001u  /* Set rcv_next from rcv_next_load and apply segments again (ignored while status.restoring). */
#define TICKFORGE_RESPONSE_COMMAND_LOAD_SLOT_SHIFT       1u
#define TICKFORGE_RESPONSE_COMMAND_LOAD_SLOT_MASK        0x00000002u  /* Load slot_position, slot_cash and slot_mark into slot slot_sel; zero its closed shares. */
#define TICKFORGE_RESPONSE_COMMAND_LOAD_CARD_SHIFT       2u
#define TICKFORGE_RESPONSE_COMMAND_LOAD_CARD_MASK        0x00000004u  /* Load pnl_load and position_value_load; zero released. */
#define TICKFORGE_RESPONSE_COMMAND_LOAD_ORDER_SHIFT      3u
#define TICKFORGE_RESPONSE_COMMAND_LOAD_ORDER_MASK       0x00000008u  /* Load order_remaining_load and order_state_load into entry order_sel. */
#define TICKFORGE_RESPONSE_STATUS                        0x00000610u  /* RO: Receive state. */
#define TICKFORGE_RESPONSE_STATUS_RESET                  0x00000001u
#define TICKFORGE_RESPONSE_STATUS_OUT_OF_SYNC_SHIFT      0u
#define TICKFORGE_RESPONSE_STATUS_OUT_OF_SYNC_MASK       0x00000001u  /* Segments are not applied (until resync). */
#define TICKFORGE_RESPONSE_STATUS_RESTORING_SHIFT        1u
#define TICKFORGE_RESPONSE_STATUS_RESTORING_MASK         0x00000002u  /* A rolled-back segment's orders are being put back. */
#define TICKFORGE_RESPONSE_RCV_NEXT_LOAD                 0x00000614u  /* RW: TCP sequence number that resync sets. */
#define TICKFORGE_RESPONSE_RCV_NEXT_LOAD_RESET           0x00000000u
#define TICKFORGE_RESPONSE_RCV_NEXT                      0x00000618u  /* RO: Sequence number of the next segment to apply. */
#define TICKFORGE_RESPONSE_RCV_NEXT_RESET                0x00000000u
#define TICKFORGE_RESPONSE_SLOT_SEL                      0x0000061Cu  /* RW: Slot of the load_slot window and read_* registers. */
#define TICKFORGE_RESPONSE_SLOT_SEL_RESET                0x00000000u
#define TICKFORGE_RESPONSE_SLOT_POSITION                 0x00000620u  /* RW: Position to load, shares, signed. */
#define TICKFORGE_RESPONSE_SLOT_POSITION_RESET           0x00000000u
#define TICKFORGE_RESPONSE_SLOT_CASH_LO                  0x00000624u  /* RW: Cash to load, signed, price x shares (bits 31..0). */
#define TICKFORGE_RESPONSE_SLOT_CASH_LO_RESET            0x00000000u
#define TICKFORGE_RESPONSE_SLOT_CASH_HI                  0x00000628u  /* RW: Cash to load, signed, price x shares (bits 63..32). */
#define TICKFORGE_RESPONSE_SLOT_CASH_HI_RESET            0x00000000u
#define TICKFORGE_RESPONSE_SLOT_MARK                     0x0000062Cu  /* RW: Last fill price to load. */
#define TICKFORGE_RESPONSE_SLOT_MARK_RESET               0x00000000u
#define TICKFORGE_RESPONSE_PNL_LOAD_LO                   0x00000630u  /* RW: P&L to load, signed (bits 31..0). */
#define TICKFORGE_RESPONSE_PNL_LOAD_LO_RESET             0x00000000u
#define TICKFORGE_RESPONSE_PNL_LOAD_HI                   0x00000634u  /* RW: P&L to load, signed (bits 63..32). */
#define TICKFORGE_RESPONSE_PNL_LOAD_HI_RESET             0x00000000u
#define TICKFORGE_RESPONSE_POSITION_VALUE_LOAD_LO        0x00000638u  /* RW: Position value to load (bits 31..0). */
#define TICKFORGE_RESPONSE_POSITION_VALUE_LOAD_LO_RESET  0x00000000u
#define TICKFORGE_RESPONSE_POSITION_VALUE_LOAD_HI        0x0000063Cu  /* RW: Position value to load (bits 63..32). */
#define TICKFORGE_RESPONSE_POSITION_VALUE_LOAD_HI_RESET  0x00000000u
#define TICKFORGE_RESPONSE_ORDER_SEL                     0x00000640u  /* RW: Open-order table entry of load_order and read_order_* (UserRefNum mod cap_orders). */
#define TICKFORGE_RESPONSE_ORDER_SEL_RESET               0x00000000u
#define TICKFORGE_RESPONSE_ORDER_REMAINING_LOAD          0x00000644u  /* RW: Remaining shares to load. */
#define TICKFORGE_RESPONSE_ORDER_REMAINING_LOAD_RESET    0x00000000u
#define TICKFORGE_RESPONSE_ORDER_STATE_LOAD              0x00000648u  /* RW: State to load. */
#define TICKFORGE_RESPONSE_ORDER_STATE_LOAD_RESET        0x00000000u
#define TICKFORGE_RESPONSE_ORDER_STATE_LOAD_STATE_SHIFT  0u
#define TICKFORGE_RESPONSE_ORDER_STATE_LOAD_STATE_MASK   0x00000003u  /* 0 FREE; 1 SENT; 2 LIVE; 3 DEAD. */
#define TICKFORGE_RESPONSE_READ_POSITION                 0x0000064Cu  /* RO: Position of slot_sel (signed). */
#define TICKFORGE_RESPONSE_READ_POSITION_RESET           0x00000000u
#define TICKFORGE_RESPONSE_READ_CLOSED_BUY               0x00000650u  /* RO: Closed buy shares of slot_sel. */
#define TICKFORGE_RESPONSE_READ_CLOSED_BUY_RESET         0x00000000u
#define TICKFORGE_RESPONSE_READ_CLOSED_SELL              0x00000654u  /* RO: Closed sell shares of slot_sel. */
#define TICKFORGE_RESPONSE_READ_CLOSED_SELL_RESET        0x00000000u
#define TICKFORGE_RESPONSE_READ_CASH_LO                  0x00000658u  /* RO: Cash of slot_sel (bits 31..0). */
#define TICKFORGE_RESPONSE_READ_CASH_LO_RESET            0x00000000u
#define TICKFORGE_RESPONSE_READ_CASH_HI                  0x0000065Cu  /* RO: Cash of slot_sel (bits 63..32). */
#define TICKFORGE_RESPONSE_READ_CASH_HI_RESET            0x00000000u
#define TICKFORGE_RESPONSE_READ_MARK                     0x00000660u  /* RO: Last fill price of slot_sel. */
#define TICKFORGE_RESPONSE_READ_MARK_RESET               0x00000000u
#define TICKFORGE_RESPONSE_PNL_LO                        0x00000664u  /* RO: P&L now (signed) (bits 31..0). */
#define TICKFORGE_RESPONSE_PNL_LO_RESET                  0x00000000u
#define TICKFORGE_RESPONSE_PNL_HI                        0x00000668u  /* RO: P&L now (signed) (bits 63..32). */
#define TICKFORGE_RESPONSE_PNL_HI_RESET                  0x00000000u
#define TICKFORGE_RESPONSE_RELEASED_LO                   0x0000066Cu  /* RO: Notional released by fills, cancels and rejects (bits 31..0). */
#define TICKFORGE_RESPONSE_RELEASED_LO_RESET             0x00000000u
#define TICKFORGE_RESPONSE_RELEASED_HI                   0x00000670u  /* RO: Notional released by fills, cancels and rejects (bits 63..32). */
#define TICKFORGE_RESPONSE_RELEASED_HI_RESET             0x00000000u
#define TICKFORGE_RESPONSE_POSITION_VALUE_LO             0x00000674u  /* RO: Positions at their last fill price (bits 31..0). */
#define TICKFORGE_RESPONSE_POSITION_VALUE_LO_RESET       0x00000000u
#define TICKFORGE_RESPONSE_POSITION_VALUE_HI             0x00000678u  /* RO: Positions at their last fill price (bits 63..32). */
#define TICKFORGE_RESPONSE_POSITION_VALUE_HI_RESET       0x00000000u
#define TICKFORGE_RESPONSE_READ_ORDER_REF                0x0000067Cu  /* RO: UserRefNum in entry order_sel. */
#define TICKFORGE_RESPONSE_READ_ORDER_REF_RESET          0x00000000u
#define TICKFORGE_RESPONSE_READ_ORDER_INFO               0x00000680u  /* RO: Entry order_sel. */
#define TICKFORGE_RESPONSE_READ_ORDER_INFO_RESET         0x00000000u
#define TICKFORGE_RESPONSE_READ_ORDER_INFO_SLOT_SHIFT    0u
#define TICKFORGE_RESPONSE_READ_ORDER_INFO_SLOT_MASK     0x000000FFu  /* Stock slot. */
#define TICKFORGE_RESPONSE_READ_ORDER_INFO_SELL_SHIFT    8u
#define TICKFORGE_RESPONSE_READ_ORDER_INFO_SELL_MASK     0x00000100u  /* Sell order. */
#define TICKFORGE_RESPONSE_READ_ORDER_INFO_STATE_SHIFT   9u
#define TICKFORGE_RESPONSE_READ_ORDER_INFO_STATE_MASK    0x00000600u  /* OrderState. */
#define TICKFORGE_RESPONSE_READ_ORDER_PRICE              0x00000684u  /* RO: Price of entry order_sel. */
#define TICKFORGE_RESPONSE_READ_ORDER_PRICE_RESET        0x00000000u
#define TICKFORGE_RESPONSE_READ_ORDER_SHARES             0x00000688u  /* RO: Shares sent in entry order_sel. */
#define TICKFORGE_RESPONSE_READ_ORDER_SHARES_RESET       0x00000000u
#define TICKFORGE_RESPONSE_READ_ORDER_REMAINING          0x0000068Cu  /* RO: Remaining shares of entry order_sel. */
#define TICKFORGE_RESPONSE_READ_ORDER_REMAINING_RESET    0x00000000u
#define TICKFORGE_RESPONSE_CAP_ORDERS                    0x00000690u  /* RO: Capacity: open-order table entries. */
#define TICKFORGE_RESPONSE_CAP_ORDERS_RESET              0x00000040u
#define TICKFORGE_RESPONSE_FRAMES_APPLIED                0x00000694u  /* RO: Frames judged APPLIED. */
#define TICKFORGE_RESPONSE_FRAMES_APPLIED_RESET          0x00000000u
#define TICKFORGE_RESPONSE_FRAMES_NO_DATA                0x00000698u  /* RO: Frames judged NO_DATA. */
#define TICKFORGE_RESPONSE_FRAMES_NO_DATA_RESET          0x00000000u
#define TICKFORGE_RESPONSE_FRAMES_OTHER                  0x0000069Cu  /* RO: Frames judged OTHER. */
#define TICKFORGE_RESPONSE_FRAMES_OTHER_RESET            0x00000000u
#define TICKFORGE_RESPONSE_FRAMES_CORRUPT                0x000006A0u  /* RO: Frames judged CORRUPT. */
#define TICKFORGE_RESPONSE_FRAMES_CORRUPT_RESET          0x00000000u
#define TICKFORGE_RESPONSE_FRAMES_CONTROL                0x000006A4u  /* RO: Frames judged CONTROL. */
#define TICKFORGE_RESPONSE_FRAMES_CONTROL_RESET          0x00000000u
#define TICKFORGE_RESPONSE_FRAMES_OUT_OF_SYNC            0x000006A8u  /* RO: Frames judged OUT_OF_SYNC. */
#define TICKFORGE_RESPONSE_FRAMES_OUT_OF_SYNC_RESET      0x00000000u
#define TICKFORGE_RESPONSE_FRAMES_OUT_OF_ORDER           0x000006ACu  /* RO: Frames judged OUT_OF_ORDER. */
#define TICKFORGE_RESPONSE_FRAMES_OUT_OF_ORDER_RESET     0x00000000u
#define TICKFORGE_RESPONSE_FRAMES_UNPARSEABLE            0x000006B0u  /* RO: Frames judged UNPARSEABLE. */
#define TICKFORGE_RESPONSE_FRAMES_UNPARSEABLE_RESET      0x00000000u
#define TICKFORGE_RESPONSE_DETAIL_BAD_PACKET             0x000006B4u  /* RO: UNPARSEABLE segments for BAD_PACKET. */
#define TICKFORGE_RESPONSE_DETAIL_BAD_PACKET_RESET       0x00000000u
#define TICKFORGE_RESPONSE_DETAIL_UNKNOWN_MESSAGE        0x000006B8u  /* RO: UNPARSEABLE segments for UNKNOWN_MESSAGE. */
#define TICKFORGE_RESPONSE_DETAIL_UNKNOWN_MESSAGE_RESET  0x00000000u
#define TICKFORGE_RESPONSE_DETAIL_BAD_LENGTH             0x000006BCu  /* RO: UNPARSEABLE segments for BAD_LENGTH. */
#define TICKFORGE_RESPONSE_DETAIL_BAD_LENGTH_RESET       0x00000000u
#define TICKFORGE_RESPONSE_DETAIL_UNKNOWN_REF            0x000006C0u  /* RO: UNPARSEABLE segments for UNKNOWN_REF. */
#define TICKFORGE_RESPONSE_DETAIL_UNKNOWN_REF_RESET      0x00000000u
#define TICKFORGE_RESPONSE_DETAIL_BAD_STATE              0x000006C4u  /* RO: UNPARSEABLE segments for BAD_STATE. */
#define TICKFORGE_RESPONSE_DETAIL_BAD_STATE_RESET        0x00000000u
#define TICKFORGE_RESPONSE_DETAIL_BAD_FIELD              0x000006C8u  /* RO: UNPARSEABLE segments for BAD_FIELD. */
#define TICKFORGE_RESPONSE_DETAIL_BAD_FIELD_RESET        0x00000000u
#define TICKFORGE_RESPONSE_DETAIL_TOO_MANY               0x000006CCu  /* RO: UNPARSEABLE segments for TOO_MANY. */
#define TICKFORGE_RESPONSE_DETAIL_TOO_MANY_RESET         0x00000000u
#define TICKFORGE_RESPONSE_MESSAGES_ACCEPTED             0x000006D0u  /* RO: ACCEPTED messages applied (committed segments). */
#define TICKFORGE_RESPONSE_MESSAGES_ACCEPTED_RESET       0x00000000u
#define TICKFORGE_RESPONSE_MESSAGES_EXECUTED             0x000006D4u  /* RO: EXECUTED messages applied (committed segments). */
#define TICKFORGE_RESPONSE_MESSAGES_EXECUTED_RESET       0x00000000u
#define TICKFORGE_RESPONSE_MESSAGES_CANCELED             0x000006D8u  /* RO: CANCELED messages applied (committed segments). */
#define TICKFORGE_RESPONSE_MESSAGES_CANCELED_RESET       0x00000000u
#define TICKFORGE_RESPONSE_MESSAGES_REJECTED             0x000006DCu  /* RO: REJECTED messages applied (committed segments). */
#define TICKFORGE_RESPONSE_MESSAGES_REJECTED_RESET       0x00000000u
#define TICKFORGE_RESPONSE_OVERFLOW                      0x000006E0u  /* RO: Orders sent whose table entry was still busy: not tracked (the risk gate's orders_full check keeps this 0). */
#define TICKFORGE_RESPONSE_OVERFLOW_RESET                0x00000000u
#define TICKFORGE_RESPONSE_PAYLOAD_BYTES                 0x000006E4u  /* RO: TCP payload bytes of applied segments. */
#define TICKFORGE_RESPONSE_PAYLOAD_BYTES_RESET           0x00000000u

/* Block events: Card-to-host event stream: records dropped because a source's FIFO was full. */
#define TICKFORGE_EVENTS_BASE                            0x00000700u
#define TICKFORGE_EVENTS_BLOCK_TYPE                      0x45564E54u
#define TICKFORGE_EVENTS_BLOCK_VERSION                   1u
#define TICKFORGE_EVENTS_TYPE                            0x00000700u  /* RO: Block type identifier. */
#define TICKFORGE_EVENTS_TYPE_RESET                      0x45564E54u
#define TICKFORGE_EVENTS_VERSION                         0x00000704u  /* RO: Block register-layout version. */
#define TICKFORGE_EVENTS_VERSION_RESET                   0x00000001u
#define TICKFORGE_EVENTS_NEXT                            0x00000708u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_EVENTS_NEXT_RESET                      0x00000740u
#define TICKFORGE_EVENTS_DROPPED_SENT                    0x0000070Cu  /* RO: SENT records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_SENT_RESET              0x00000000u
#define TICKFORGE_EVENTS_DROPPED_REJECT                  0x00000710u  /* RO: REJECT records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_REJECT_RESET            0x00000000u
#define TICKFORGE_EVENTS_DROPPED_RESPONSE                0x00000714u  /* RO: RESPONSE records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_RESPONSE_RESET          0x00000000u
#define TICKFORGE_EVENTS_DROPPED_SEGMENT                 0x00000718u  /* RO: SEGMENT records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_SEGMENT_RESET           0x00000000u
#define TICKFORGE_EVENTS_DROPPED_GAP                     0x0000071Cu  /* RO: GAP records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_GAP_RESET               0x00000000u
#define TICKFORGE_EVENTS_DROPPED_UPDATE                  0x00000720u  /* RO: UPDATE records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_UPDATE_RESET            0x00000000u
#define TICKFORGE_EVENTS_DROPPED_UPDATE_END              0x00000724u  /* RO: UPDATE_END records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_UPDATE_END_RESET        0x00000000u
#define TICKFORGE_EVENTS_DROPPED_HOST_RX                 0x00000728u  /* RO: HOST_RX records dropped (the host sees the seq gap). */
#define TICKFORGE_EVENTS_DROPPED_HOST_RX_RESET           0x00000000u

/* Block commands: Host-to-card command stream: what became of every command. */
#define TICKFORGE_COMMANDS_BASE                          0x00000740u
#define TICKFORGE_COMMANDS_BLOCK_TYPE                    0x48434D44u
#define TICKFORGE_COMMANDS_BLOCK_VERSION                 1u
#define TICKFORGE_COMMANDS_TYPE                          0x00000740u  /* RO: Block type identifier. */
#define TICKFORGE_COMMANDS_TYPE_RESET                    0x48434D44u
#define TICKFORGE_COMMANDS_VERSION                       0x00000744u  /* RO: Block register-layout version. */
#define TICKFORGE_COMMANDS_VERSION_RESET                 0x00000001u
#define TICKFORGE_COMMANDS_NEXT                          0x00000748u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_COMMANDS_NEXT_RESET                    0x00000780u
#define TICKFORGE_COMMANDS_STATUS                        0x0000074Cu  /* RO: Command stream state. */
#define TICKFORGE_COMMANDS_STATUS_RESET                  0x00000000u
#define TICKFORGE_COMMANDS_STATUS_WALKING_SHIFT          0u
#define TICKFORGE_COMMANDS_STATUS_WALKING_MASK           0x00000001u  /* A mass cancel is walking the open-order table. */
#define TICKFORGE_COMMANDS_STATUS_PENDING_SHIFT          1u
#define TICKFORGE_COMMANDS_STATUS_PENDING_MASK           0x00000002u  /* A command is waiting for its destination. */
#define TICKFORGE_COMMANDS_COMMANDS                      0x00000750u  /* RO: Command beats taken. */
#define TICKFORGE_COMMANDS_COMMANDS_RESET                0x00000000u
#define TICKFORGE_COMMANDS_ORDERS                        0x00000754u  /* RO: Manual orders passed to the risk checks. */
#define TICKFORGE_COMMANDS_ORDERS_RESET                  0x00000000u
#define TICKFORGE_COMMANDS_CANCELS                       0x00000758u  /* RO: Cancel Orders passed to order entry (single and mass cancel). */
#define TICKFORGE_COMMANDS_CANCELS_RESET                 0x00000000u
#define TICKFORGE_COMMANDS_MASS_CANCELS                  0x0000075Cu  /* RO: Mass cancels walked. */
#define TICKFORGE_COMMANDS_MASS_CANCELS_RESET            0x00000000u
#define TICKFORGE_COMMANDS_KILLS                         0x00000760u  /* RO: Kill commands. */
#define TICKFORGE_COMMANDS_KILLS_RESET                   0x00000000u
#define TICKFORGE_COMMANDS_MALFORMED                     0x00000764u  /* RO: Commands dropped: unknown kind, keep not all ones, or an order for a slot without trading state. */
#define TICKFORGE_COMMANDS_MALFORMED_RESET               0x00000000u
#define TICKFORGE_COMMANDS_CANCEL_NOT_OPEN               0x00000768u  /* RO: Cancels dropped: the UserRefNum is not an open order. */
#define TICKFORGE_COMMANDS_CANCEL_NOT_OPEN_RESET         0x00000000u
#define TICKFORGE_COMMANDS_CANCEL_NO_SESSION             0x0000076Cu  /* RO: Cancels dropped: the order-entry session is not the card's. */
#define TICKFORGE_COMMANDS_CANCEL_NO_SESSION_RESET       0x00000000u

/* Block eth: Gigabit Ethernet MAC (RGMII): frame counters of the receive and transmit sides, counted in the core's clock domain. */
#define TICKFORGE_ETH_BASE                               0x00000780u
#define TICKFORGE_ETH_BLOCK_TYPE                         0x454D4143u
#define TICKFORGE_ETH_BLOCK_VERSION                      1u
#define TICKFORGE_ETH_TYPE                               0x00000780u  /* RO: Block type identifier. */
#define TICKFORGE_ETH_TYPE_RESET                         0x454D4143u
#define TICKFORGE_ETH_VERSION                            0x00000784u  /* RO: Block register-layout version. */
#define TICKFORGE_ETH_VERSION_RESET                      0x00000001u
#define TICKFORGE_ETH_NEXT                               0x00000788u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_ETH_NEXT_RESET                         0x000007C0u
#define TICKFORGE_ETH_RX_FRAMES                          0x0000078Cu  /* RO: Frames received (start-of-frame delimiter seen), good or bad. */
#define TICKFORGE_ETH_RX_FRAMES_RESET                    0x00000000u
#define TICKFORGE_ETH_RX_FCS_ERRORS                      0x00000790u  /* RO: Received frames whose FCS did not match. */
#define TICKFORGE_ETH_RX_FCS_ERRORS_RESET                0x00000000u
#define TICKFORGE_ETH_RX_PHY_ERRORS                      0x00000794u  /* RO: Received frames during which the PHY raised RX_ER. */
#define TICKFORGE_ETH_RX_PHY_ERRORS_RESET                0x00000000u
#define TICKFORGE_ETH_RX_RUNTS                           0x00000798u  /* RO: Received frames shorter than 64 bytes with their FCS. */
#define TICKFORGE_ETH_RX_RUNTS_RESET                     0x00000000u
#define TICKFORGE_ETH_RX_OVERSIZE                        0x0000079Cu  /* RO: Received frames longer than the MAC's maximum; cut there, with error. */
#define TICKFORGE_ETH_RX_OVERSIZE_RESET                  0x00000000u
#define TICKFORGE_ETH_RX_OVERFLOWS                       0x000007A0u  /* RO: Received frames cut (ended with error) or dropped whole because the FIFO to the core was full. */
#define TICKFORGE_ETH_RX_OVERFLOWS_RESET                 0x00000000u
#define TICKFORGE_ETH_TX_FRAMES                          0x000007A4u  /* RO: Frames sent whole, with a good FCS. */
#define TICKFORGE_ETH_TX_FRAMES_RESET                    0x00000000u
#define TICKFORGE_ETH_TX_ABORTED                         0x000007A8u  /* RO: Frames the core aborted (error on the last beat): sent with TX_ER and an inverted FCS. */
#define TICKFORGE_ETH_TX_ABORTED_RESET                   0x00000000u
#define TICKFORGE_ETH_TX_UNDERRUNS                       0x000007ACu  /* RO: Frames cut with TX_ER because the next beat was not there in time. */
#define TICKFORGE_ETH_TX_UNDERRUNS_RESET                 0x00000000u

/* Block uart: The UART register bridge's own counters (proto/uart_bridge.py is the framing). */
#define TICKFORGE_UART_BASE                              0x000007C0u
#define TICKFORGE_UART_BLOCK_TYPE                        0x55415254u
#define TICKFORGE_UART_BLOCK_VERSION                     1u
#define TICKFORGE_UART_TYPE                              0x000007C0u  /* RO: Block type identifier. */
#define TICKFORGE_UART_TYPE_RESET                        0x55415254u
#define TICKFORGE_UART_VERSION                           0x000007C4u  /* RO: Block register-layout version. */
#define TICKFORGE_UART_VERSION_RESET                     0x00000001u
#define TICKFORGE_UART_NEXT                              0x000007C8u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_UART_NEXT_RESET                        0x00000000u
#define TICKFORGE_UART_DIVISOR                           0x000007CCu  /* RO: Clock cycles per bit: the core clock divided by the baud rate. */
#define TICKFORGE_UART_DIVISOR_RESET                     0x0000005Au
#define TICKFORGE_UART_REQUESTS                          0x000007D0u  /* RO: Requests performed on the bus (reads and writes). */
#define TICKFORGE_UART_REQUESTS_RESET                    0x00000000u
#define TICKFORGE_UART_BUS_ERRORS                        0x000007D4u  /* RO: Requests the bus answered with an error (SLVERR, or DECERR beyond it). */
#define TICKFORGE_UART_BUS_ERRORS_RESET                  0x00000000u
#define TICKFORGE_UART_BAD_CRC                           0x000007D8u  /* RO: Requests refused because their CRC did not match. */
#define TICKFORGE_UART_BAD_CRC_RESET                     0x00000000u
#define TICKFORGE_UART_BAD_OP                            0x000007DCu  /* RO: Requests refused because their operation byte was unknown. */
#define TICKFORGE_UART_BAD_OP_RESET                      0x00000000u
#define TICKFORGE_UART_ABANDONED                         0x000007E0u  /* RO: Requests whose bytes stopped for longer than the idle limit. */
#define TICKFORGE_UART_ABANDONED_RESET                   0x00000000u
#define TICKFORGE_UART_OVERRUNS                          0x000007E4u  /* RO: Requests dropped because they arrived while another was performed. */
#define TICKFORGE_UART_OVERRUNS_RESET                    0x00000000u
#define TICKFORGE_UART_FRAMING_ERRORS                    0x000007E8u  /* RO: Bytes dropped because their stop bit was 0 (noise, break, baud). */
#define TICKFORGE_UART_FRAMING_ERRORS_RESET              0x00000000u

#endif /* TICKFORGE_REGS_H */
